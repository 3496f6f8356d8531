using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace PromotionEngine.Platform.Identity;

/// <summary>
/// The symmetric key for the embedded default: configured, or made once and kept in the data directory so
/// tokens printed by the `token` command stay valid across restarts. Production uses the issuer's public keys
/// or a configured key: the server uses the key file only in Development (Program.cs refuses otherwise).
/// </summary>
internal static class SigningKeys
{
    public const string FileName = "dev-signing-key";

    /// <summary>Owner read and write only (0600): anyone who can read the key can sign any token.</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static SymmetricSecurityKey Resolve(AuthOptions auth, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(auth.SigningKey)) return FromBase64(auth.SigningKey, "Promotion:Auth:SigningKey");
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            try
            {
                var create = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows()) create.UnixCreateMode = FileMode; // born private: never readable by others, not even briefly
                using var file = new FileStream(path, create);
                using var writer = new StreamWriter(file);
                writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process made it first; use theirs.
            }
        }
        else if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~FileMode) != 0)
        {
            File.SetUnixFileMode(path, FileMode); // a key file made before keys were private (0644)
        }
        return FromBase64(File.ReadAllText(path).Trim(), path);
    }

    private static SymmetricSecurityKey FromBase64(string text, string source)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new SettingsException($"The signing key in {source} is not base64.");
        }
        if (bytes.Length < 32) throw new SettingsException($"The signing key in {source} must be at least 32 bytes (base64).");
        return new SymmetricSecurityKey(bytes);
    }
}

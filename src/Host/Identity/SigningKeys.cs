using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace PromotionEngine.Host.Identity;

/// <summary>
/// The symmetric key for the embedded default: configured, or made once and kept in the data directory so
/// tokens printed by the `token` command stay valid across restarts. Production uses the issuer's public keys.
/// </summary>
internal static class SigningKeys
{
    public const string FileName = "dev-signing-key";

    public static SymmetricSecurityKey Resolve(AuthOptions auth, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(auth.SigningKey)) return FromBase64(auth.SigningKey);
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            try
            {
                using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                using var writer = new StreamWriter(file);
                writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process made it first; use theirs.
            }
        }
        return FromBase64(File.ReadAllText(path).Trim());
    }

    private static SymmetricSecurityKey FromBase64(string text)
    {
        var bytes = Convert.FromBase64String(text);
        if (bytes.Length < 32) throw new InvalidOperationException("Promotion:Auth:SigningKey must be at least 32 bytes (base64).");
        return new SymmetricSecurityKey(bytes);
    }
}

using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.IdentityModel.Tokens;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Platform.Identity;

namespace PromotionEngine.Client.Tests;

/// <summary>
/// The whole engine in process on its embedded default (SQLite in a data folder of its own), and the generated client
/// of each caller talking to it. The tokens are the only thing made here by hand: signed as the engine expects.
/// </summary>
public sealed class EngineUnderTest : WebApplicationFactory<Program>
{
    private static readonly byte[] SigningKey = "client-tests-signing-key-32-bytes!!"u8.ToArray();
    private readonly string _data = Path.Combine(Path.GetTempPath(), "promo-client-tests-" + Guid.NewGuid().ToString("N"));
    private readonly TokenIssuer _tokens = new(new SymmetricSecurityKey(SigningKey), "promotion-engine", "promotion-engine", TimeProvider.System);

    /// <summary>The generated client, signed in as <paramref name="role"/> <paramref name="id"/>.</summary>
    public PromotionEngineClient As(CallerRole role, string id)
    {
        var http = CreateClient(); // BaseAddress http://localhost/: the client's paths are relative to it
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _tokens.Issue(role, id, TimeSpan.FromHours(1)));
        return new PromotionEngineClient(http);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Promotion:Auth:SigningKey", Convert.ToBase64String(SigningKey));
        builder.UseSetting("Promotion:Database:Provider", "Sqlite");
        builder.UseSetting("Promotion:DataDirectory", _data);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}

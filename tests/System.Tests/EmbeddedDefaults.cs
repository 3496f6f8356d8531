using System.Net;
using Microsoft.IdentityModel.Tokens;
using PromotionEngine.Platform;
using PromotionEngine.Platform.Identity;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>The embedded default keeps its data and its signing key on disk.</summary>
public sealed class EmbeddedDefaults
{
    [Fact]
    public async Task Templates_and_coupons_survive_a_restart_on_the_same_data_folder()
    {
        var directory = Path.Combine(Path.GetTempPath(), "promo-restart-" + Guid.NewGuid().ToString("N"));
        var merchant = EngineApp.NewId();
        var user = EngineApp.NewId();
        string template, coupon;
        await using (var first = new SqliteApp(directory))
        {
            await first.InitializeAsync();
            template = (await first.AsMerchant(merchant).CreateTemplateAsync(Api.ATemplate(first.Clock.GetUtcNow(), stock: 3))).Id();
            coupon = await first.AsUser(user).ClaimedCouponIdAsync(template);
        }

        await using var second = new SqliteApp(directory);
        await second.InitializeAsync();
        var read = await (await second.AsMerchant(merchant).GetAsync($"/api/v1/merchant/templates/{template}")).JsonAsync();
        Assert.Equal(1, read.GetProperty("issued").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await second.AsUser(user).GetAsync($"/api/v1/me/coupons/{coupon}")).StatusCode);
        await ((IAsyncLifetime)second).DisposeAsync();
    }

    [Fact]
    public void The_development_signing_key_is_made_once_and_reused()
    {
        var directory = Path.Combine(Path.GetTempPath(), "promo-key-" + Guid.NewGuid().ToString("N"));
        try
        {
            var first = SigningKeys.Resolve(new AuthOptions(), directory);
            var second = SigningKeys.Resolve(new AuthOptions(), directory);
            Assert.Equal(first.Key, second.Key);
            Assert.Equal(32, first.Key.Length);
            Assert.Equal(FileModes.OwnerOnly, FileModes.Of(Path.Combine(directory, SigningKeys.FileName)));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_key_file_readable_by_others_is_made_private_again_and_kept()
    {
        var directory = Directory.CreateTempSubdirectory("promo-key-").FullName;
        try
        {
            var path = Path.Combine(directory, SigningKeys.FileName);
            File.WriteAllText(path, Convert.ToBase64String(EngineApp.SigningKey));
            // 0644, as keys were written before
            FileModes.Set(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

            var key = SigningKeys.Resolve(new AuthOptions(), directory);

            Assert.Equal(EngineApp.SigningKey, key.Key);
            Assert.Equal(FileModes.OwnerOnly, FileModes.Of(path));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Roles_name_known_modules_only()
    {
        Assert.True(Roles.Parse("all", Program.Modules).Serves("engine"));
        Assert.False(Roles.Parse("merchant-admin", Program.Modules).Serves("engine"));
        Assert.Throws<SettingsException>(() => Roles.Parse("engine,billing", Program.Modules));
    }

    [Fact]
    public void A_token_for_a_user_carries_the_role_and_id_the_engine_reads()
    {
        var key = new SymmetricSecurityKey(new byte[32]);
        var token = new TokenIssuer(key, "i", "a", TimeProvider.System).Issue(Kernel.Identity.CallerRole.User, "42", TimeSpan.FromHours(1));
        var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token);
        Assert.Equal("USER", jwt.GetClaim("role").Value);
        Assert.Equal("42", jwt.GetClaim("user_id").Value);
        Assert.Throws<ArgumentException>(
            () => new TokenIssuer(key, "i", "a", TimeProvider.System).Issue(Kernel.Identity.CallerRole.Merchant, "abc", TimeSpan.FromHours(1)));
    }
}

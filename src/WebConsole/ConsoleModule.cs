using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.WebConsole.Api;
using PromotionEngine.WebConsole.Components;
using PromotionEngine.WebConsole.Components.AudiencePages;
using PromotionEngine.WebConsole.Components.DistributionPages;
using PromotionEngine.WebConsole.Components.Pages;
using PromotionEngine.WebConsole.SignIn;
using PromotionEngine.WebConsole.Viewing;

namespace PromotionEngine.WebConsole;

/// <summary>
/// The web console (role "console"): Blazor pages for merchants and operators under /console, rendered on the server
/// (static server rendering; the few figures that move are polled by a small script). It calls the engine through the
/// public HTTP API with the signed-in person's token, as any client does: the same authorization, validation and
/// problem codes, whether the API runs in this process or behind a gateway (Console:ApiBaseUrl).
/// </summary>
public static class ConsoleModule
{
    public const string Name = "console";

    /// <param name="developmentToken">
    /// The embedded default's token minter (a role and an id → a bearer token signed with the data folder's key), or null when
    /// tokens come from a real authority or a configured key: without it the development sign-in does not exist.
    /// </param>
    public static IServiceCollection AddWebConsole(
        this IServiceCollection services, IConfiguration configuration, Func<CallerRole, string, string>? developmentToken)
    {
        var options = ConsoleOptions.Read(configuration);
        var signIn = ConsoleSignIn.Choose(configuration, developmentToken);
        services.AddSingleton(options);
        services.AddSingleton(signIn);
        services.AddConsoleAuthentication(options, signIn);
        services.AddHttpContextAccessor();
        services.AddHttpClient(ConsoleApi.ClientName);
        services.AddSingleton<ApiAddress>();
        services.AddScoped<ConsoleApi>();
        services.AddScoped<Viewer>();
        services.AddRazorComponents();
        return services;
    }

    /// <summary>The console's pages, sign-in and assets, all under /console; call after UseAuthentication and UseAntiforgery.</summary>
    public static IEndpointRouteBuilder MapWebConsole(this IEndpointRouteBuilder app)
    {
        var console = app.MapGroup(ConsolePaths.Root).ExcludeFromDescription();
        console.MapConsoleSignIn();
        console.MapConsoleAssets();
        console.MapConsoleFigures();
        console.MapConsoleDistribution();
        console.MapConsoleAudienceFiles();
        app.MapRazorComponents<App>().RequireAuthorization(ConsoleAuthentication.Policy).ExcludeFromDescription();
        app.MapGet(ConsolePaths.Root, (HttpContext http) => TypedResults.Redirect(
                ConsoleCaller.Of(http.User)?.Role == CallerRole.Operator ? ConsolePaths.Operations : ConsolePaths.Templates))
            .RequireAuthorization(ConsoleAuthentication.Policy).ExcludeFromDescription();
        return app;
    }
}

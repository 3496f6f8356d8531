using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Platform.Telemetry;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Deployment;

/// <summary>
/// The app's own route and role table: a process is started for each role alone and for all of them
/// (<c>Promotion:Roles</c>), and its endpoints are read from its <see cref="EndpointDataSource"/>. Public endpoints are
/// the ones a gateway must route; management ones (health, metrics) answer only on the management port.
/// </summary>
public sealed class RoleEndpoints : IAsyncLifetime
{
    /// <summary>The value of Promotion:Roles that serves every module.</summary>
    public const string All = "all";

    private readonly Dictionary<string, IReadOnlySet<string>> _public = new(StringComparer.Ordinal);
    private readonly HashSet<string> _management = new(StringComparer.Ordinal);

    /// <summary>Every role, by the names Promotion:Roles takes: the modules and the web console.</summary>
    public static IReadOnlyList<string> Roles => Program.RoleNames;

    /// <summary>The route patterns of the public endpoints a process given these roles ("all" or one module) serves.</summary>
    public IReadOnlySet<string> PublicOf(string roles) => _public[roles];

    /// <summary>Every public route pattern of the build (a process serving all roles).</summary>
    public IReadOnlySet<string> AllPublic => _public[All];

    /// <summary>The paths of the management endpoints (health, metrics): the same in every role.</summary>
    public IReadOnlySet<string> Management => _management;

    public async Task InitializeAsync()
    {
        foreach (var roles in Roles.Prepend(All))
        {
            var app = new SqliteApp().WithManagementPort().WithSetting("Promotion:Roles", roles);
            try
            {
                await app.InitializeAsync();
                var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
                _public[roles] = endpoints.Where(e => e.Metadata.GetMetadata<ManagementEndpoint>() is null)
                    .Select(e => Pattern(e.RoutePattern)).ToHashSet(StringComparer.Ordinal);
                _management.UnionWith(endpoints.Where(e => e.Metadata.GetMetadata<ManagementEndpoint>() is not null)
                    .Select(e => Pattern(e.RoutePattern)));
            }
            finally
            {
                await ((IAsyncLifetime)app).DisposeAsync();
            }
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A pattern as text, always with its leading slash.</summary>
    private static string Pattern(RoutePattern pattern) => "/" + (pattern.RawText ?? "").TrimStart('/');

    /// <summary>A request path the pattern matches: each parameter given the value 1 (ids are digits; other values any text).</summary>
    public static string SamplePath(string pattern) =>
        "/" + string.Join('/', RoutePatternFactory.Parse(pattern).PathSegments.Select(segment => string.Concat(segment.Parts.Select(part =>
            part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart => "1",
            _ => throw new InvalidOperationException($"A route part of {pattern} this test cannot fill: {part.GetType().Name}."),
        }))));
}

/// <summary>The tests that compare the deployment files with <see cref="RoleEndpoints"/>, which they share (six processes).</summary>
[CollectionDefinition(Name)]
public sealed class DeploymentCollection : ICollectionFixture<RoleEndpoints>
{
    public const string Name = "Deployment files against the app's role table";
}

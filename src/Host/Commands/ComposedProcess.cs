using PromotionEngine.Platform;

namespace PromotionEngine.Host.Commands;

/// <summary>A process composed for some roles and never started: its endpoints and registrations can be read.</summary>
internal sealed record ComposedProcess(WebApplication App, IServiceCollection Services, Roles Roles);

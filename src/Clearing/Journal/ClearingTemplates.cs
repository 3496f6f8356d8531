using Dapper;
using PromotionEngine.Contracts.Events.MerchantAdmin.V1;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Clearing.Journal;

/// <summary>What every fact of a template is kept with: its merchant, currency, scope and who funds its discount.</summary>
internal sealed class TemplateDimension
{
    public long TemplateId { get; init; }
    public long MerchantId { get; init; }
    public string Name { get; init; } = "";
    public string Currency { get; init; } = "";
    public string Scope { get; init; } = "";
    public string Funding { get; init; } = FundingKinds.Merchant;
    public int PlatformShareBps { get; init; }
    public int Version { get; init; }

    public static TemplateDimension Of(TemplateState t) => new()
    {
        TemplateId = t.TemplateId, MerchantId = t.MerchantId, Name = t.Name, Currency = t.Currency, Scope = t.Scope,
        Funding = string.IsNullOrEmpty(t.Funding) ? FundingKinds.Merchant : t.Funding, PlatformShareBps = t.PlatformShareBps,
        Version = t.Version,
    };
}

/// <summary>The template dimension (clr_templates), fed by template events in any order: the highest version wins.</summary>
internal sealed class ClearingTemplates(IDatabase db)
{
    private const string Columns =
        "template_id AS TemplateId, merchant_id AS MerchantId, name AS Name, currency AS Currency, scope AS Scope, funding AS Funding, "
        + "platform_share_bps AS PlatformShareBps, version AS Version";

    private string ForUpdate => db.Dialect == SqlDialect.MySql ? " FOR UPDATE" : "";

    /// <summary>Keeps <paramref name="template"/> unless a higher version is stored already.</summary>
    public async Task SaveAsync(TemplateDimension template, WriteScope scope, CancellationToken ct)
    {
        var stored = await scope.Connection.QuerySingleOrDefaultAsync<int?>(new CommandDefinition(
            "SELECT version FROM clr_templates WHERE template_id = @TemplateId" + ForUpdate, template, scope.Transaction, cancellationToken: ct));
        if (stored >= template.Version) return;
        var sql = stored is null
            ? "INSERT INTO clr_templates (template_id, merchant_id, name, currency, scope, funding, platform_share_bps, version) "
              + "VALUES (@TemplateId, @MerchantId, @Name, @Currency, @Scope, @Funding, @PlatformShareBps, @Version)"
            : "UPDATE clr_templates SET merchant_id = @MerchantId, name = @Name, currency = @Currency, scope = @Scope, funding = @Funding, "
              + "platform_share_bps = @PlatformShareBps, version = @Version WHERE template_id = @TemplateId";
        await scope.Connection.ExecuteAsync(new CommandDefinition(sql, template, scope.Transaction, cancellationToken: ct));
    }

    /// <summary>The templates asked for that the dimension knows, by id.</summary>
    public static async Task<IReadOnlyDictionary<long, TemplateDimension>> FindAllAsync(IEnumerable<long> ids, WriteScope scope,
        CancellationToken ct)
    {
        var wanted = ids.Distinct().ToArray();
        return (await scope.Connection.QueryAsync<TemplateDimension>(new CommandDefinition(
            $"SELECT {Columns} FROM clr_templates WHERE template_id IN @Ids", new { Ids = wanted }, scope.Transaction, cancellationToken: ct)))
            .ToDictionary(t => t.TemplateId);
    }

    /// <summary>One template, or null when not seen yet (reads outside a write).</summary>
    public async Task<TemplateDimension?> FindAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<TemplateDimension>(new CommandDefinition(
            $"SELECT {Columns} FROM clr_templates WHERE template_id = @Id", new { Id = id }, cancellationToken: ct));
    }
}

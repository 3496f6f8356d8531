using MySqlConnector;

namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>
/// What MariaDB holds of one template's claims, for the invariants of a claim storm: coupons, the issued counter, users over
/// a per-user limit of one, every coupon id, and each user's coupon (ids as the API writes them, strings).
/// </summary>
public sealed record StoredClaims(long Coupons, long Issued, long UsersOverLimit, HashSet<string> Ids, Dictionary<string, string> ByUser)
{
    public static async Task<StoredClaims> ReadAsync(string connectionString, string template)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        async Task<long> Scalar(string sql) => Convert.ToInt64(await new MySqlCommand(sql, connection).ExecuteScalarAsync());
        var ids = new HashSet<string>();
        var byUser = new Dictionary<string, string>();
        await using (var reader = await new MySqlCommand($"SELECT id, user_id FROM en_user_coupons WHERE template_id = {template}", connection)
            .ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetInt64(0).ToString());
                byUser[reader.GetInt64(1).ToString()] = reader.GetInt64(0).ToString();
            }
        }
        return new StoredClaims(
            ids.Count,
            await Scalar($"SELECT COALESCE(MAX(issued), 0) FROM en_template_issuance WHERE template_id = {template}"),
            await Scalar($"SELECT COUNT(*) FROM (SELECT user_id FROM en_user_coupons WHERE template_id = {template} " +
                "GROUP BY user_id HAVING COUNT(*) > 1) over_limit"),
            ids,
            byUser);
    }
}

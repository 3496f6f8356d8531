using Microsoft.Data.Sqlite;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Platform.Persistence;

internal static class Databases
{
    public const string DefaultSqliteFile = "promotion.db";

    public static IDatabase Create(PromotionOptions options)
    {
        var db = options.Database;
        if (db.Provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            if (!string.IsNullOrWhiteSpace(db.ConnectionString)) return new SqliteDatabase(db.ConnectionString);
            Directory.CreateDirectory(options.DataDirectory);
            return new SqliteDatabase(
                new SqliteConnectionStringBuilder { DataSource = Path.Combine(options.DataDirectory, DefaultSqliteFile) }.ToString());
        }
        if (db.Provider.Equals("MySql", StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(db.ConnectionString))
                throw new SettingsException("Promotion:Database:ConnectionString is required with Provider MySql.");
            return new MySqlDatabase(db.ConnectionString, db.LoadData);
        }
        throw new SettingsException($"Promotion:Database:Provider is Sqlite or MySql, not '{db.Provider}'.");
    }
}

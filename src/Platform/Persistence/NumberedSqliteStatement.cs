using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace PromotionEngine.Platform.Persistence;

/// <summary>
/// A statement of many named parameters run with its names numbered (<c>@i0</c> becoming <c>?1</c>, each name its own number)
/// and its values bound by number. SQLite finds a named parameter by walking the statement's list of names, both while parsing
/// (each new name is looked for among the earlier ones) and when the provider binds it by name: a multi-row insert of N
/// parameters (the outbox's, the relay's deliveries, the clearing journal's) cost the square of N twice. Numbered, the parse
/// appends each name without a search and the values go to their numbers directly. Only what binds exactly as the provider
/// would is run here: one statement, in an open transaction, every parameter named with its prefix and of a type the provider
/// binds without conversion choices; anything else is left to the provider (<see cref="TryRun"/> returns null).
/// </summary>
internal static class NumberedSqliteStatement
{
    private const int SqliteOk = 0, SqliteBusy = 5, SqliteLocked = 6, SqliteRow = 100, SqliteDone = 101;

    /// <summary>Runs the statement and returns the rows it changed (-1 for a read), or null when the provider must run it.</summary>
    public static int? TryRun(sqlite3 db, string sql, SqliteParameterCollection parameters)
    {
        if (raw.sqlite3_get_autocommit(db) != 0) return null; // no transaction open: the provider's checks and retries apply
        var numbers = new Dictionary<string, int>(parameters.Count, StringComparer.Ordinal);
        if (Numbered(sql, numbers) is not { } text) return null;
        var values = new object?[numbers.Count];
        foreach (SqliteParameter parameter in parameters)
        {
            // A parameter the statement does not name is ignored, as the provider ignores it; a name given twice, the last wins.
            if (!Bindable(parameter)) return null;
            if (numbers.TryGetValue(parameter.ParameterName, out var number)) values[number - 1] = parameter.Value;
        }
        if (Array.IndexOf(values, null) >= 0) return null; // a name without a value: the provider says which

        var rc = raw.sqlite3_prepare_v2(db, text, out var statement, out string tail);
        using (statement)
        {
            if (rc != SqliteOk || statement.IsInvalid || !string.IsNullOrWhiteSpace(tail)
                || raw.sqlite3_bind_parameter_count(statement) != values.Length)
                return null;
            for (var i = 0; i < values.Length; i++) Bind(statement, i + 1, values[i]!);
            rc = raw.sqlite3_step(statement);
            if (rc is SqliteBusy or SqliteLocked) return null; // nothing done: the provider waits and retries
            while (rc == SqliteRow) rc = raw.sqlite3_step(statement);
            if (rc != SqliteDone) SqliteException.ThrowExceptionForRC(rc, db);
            return raw.sqlite3_stmt_readonly(statement) != 0 ? -1 : raw.sqlite3_changes(db);
        }
    }

    /// <summary>
    /// The SQL with each <c>@name</c>, <c>$name</c> or <c>:name</c> outside literals, quoted names and comments replaced by
    /// <c>?N</c>, numbered in order of first use into <paramref name="numbers"/>; null for a text this does not read exactly as
    /// SQLite does (positional parameters, a name SQLite would read further than this, an unterminated literal).
    /// </summary>
    internal static string? Numbered(string sql, Dictionary<string, int> numbers)
    {
        var text = new System.Text.StringBuilder(sql.Length);
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            var end = c switch
            {
                '\'' or '"' or '`' => sql.IndexOf(c, i + 1),
                '[' => sql.IndexOf(']', i + 1),
                '-' when At(sql, i + 1, '-') => LineEnd(sql, i),
                '/' when At(sql, i + 1, '*') => sql.IndexOf("*/", i + 2, StringComparison.Ordinal) is var close and >= 0 ? close + 1 : -1,
                _ => i,
            };
            if (end < 0) return null;
            if (end > i)
            {
                text.Append(sql, i, end - i + 1);
                i = end + 1;
                continue;
            }
            if (c == '?' || c == '#') return null;
            if (c is '@' or '$' or ':' && i + 1 < sql.Length && IsNameChar(sql[i + 1]))
            {
                if (i > 0 && (IsNameChar(sql[i - 1]) || sql[i - 1] is '$' || sql[i - 1] > 0x7F)) return null; // inside a name
                var start = i;
                i++;
                while (i < sql.Length && IsNameChar(sql[i])) i++;
                // SQLite reads on through '$', ':' ("::") and characters beyond ASCII: such a name is left to the provider.
                if (i < sql.Length && (sql[i] is '$' or ':' or '(' || sql[i] > 0x7F)) return null;
                var name = sql[start..i];
                if (!numbers.TryGetValue(name, out var number)) numbers.Add(name, number = numbers.Count + 1);
                text.Append('?').Append(number);
                continue;
            }
            text.Append(c);
            i++;
        }
        return text.ToString();
    }

    private static bool At(string sql, int i, char c) => i < sql.Length && sql[i] == c;

    private static int LineEnd(string sql, int i) => sql.IndexOf('\n', i) is var end and >= 0 ? end : sql.Length - 1;

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    /// <summary>Named with its prefix, and a value the provider binds one way whatever the parameter's declared type and size.</summary>
    private static bool Bindable(SqliteParameter parameter) =>
        parameter.ParameterName is ['@' or '$' or ':', ..]
        && parameter.Value switch
        {
            DBNull or long or int or short or byte or bool => true,
            double d => !double.IsNaN(d),
            string s => parameter.Size >= s.Length, // the provider cuts a value longer than a size given
            byte[] b => b.Length > 0 && parameter.Size >= b.Length,
            _ => false,
        };

    private static void Bind(sqlite3_stmt statement, int number, object value)
    {
        var rc = value switch
        {
            DBNull => raw.sqlite3_bind_null(statement, number),
            long l => raw.sqlite3_bind_int64(statement, number, l),
            int n => raw.sqlite3_bind_int64(statement, number, n),
            short n => raw.sqlite3_bind_int64(statement, number, n),
            byte n => raw.sqlite3_bind_int64(statement, number, n),
            bool b => raw.sqlite3_bind_int64(statement, number, b ? 1 : 0),
            double d => raw.sqlite3_bind_double(statement, number, d),
            string s => raw.sqlite3_bind_text(statement, number, s),
            byte[] bytes => raw.sqlite3_bind_blob(statement, number, bytes),
            _ => throw new InvalidOperationException($"A value of type {value.GetType()} is not bound here."),
        };
        if (rc != SqliteOk) throw new InvalidOperationException($"SQLite refused parameter ?{number} ({rc}).");
    }
}

using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cjk;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;

namespace PromotionEngine.Search.Index;

/// <summary>
/// Names and descriptions mix Chinese and English ("满100减20券", "新人优惠券", "Spring sale 10 off 100"). Words are
/// split by Unicode rules (UAX#29), full-width forms folded (１００ is 100), lower-cased, and runs of Chinese, Japanese
/// or Korean characters indexed as single characters and as bigrams: a query for 满减 finds 满100减20 (both characters),
/// and ranks a name with 满减 side by side higher (the bigram). No stop words: names are short and every word counts.
/// </summary>
internal sealed class CouponTextAnalyzer : Analyzer
{
    public static readonly LuceneVersion Version = LuceneVersion.LUCENE_48;

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        var source = new StandardTokenizer(Version, reader);
        TokenStream result = new CJKWidthFilter(source);
        result = new LowerCaseFilter(Version, result);
        result = new CJKBigramFilter(result, CJKScript.HAN | CJKScript.HIRAGANA | CJKScript.KATAKANA | CJKScript.HANGUL, outputUnigrams: true);
        return new TokenStreamComponents(source, result);
    }

    /// <summary>
    /// The words of a query: each word and single CJK character must occur (<see cref="QueryTerms.Required"/>), each CJK
    /// bigram raises the score where the characters stand together (<see cref="QueryTerms.Boosting"/>).
    /// </summary>
    public QueryTerms TermsOf(string text)
    {
        var required = new List<string>();
        var boosting = new List<string>();
        using var stream = GetTokenStream("q", new StringReader(text));
        var term = stream.AddAttribute<ICharTermAttribute>();
        var type = stream.AddAttribute<ITypeAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            var word = term.ToString();
            (type.Type == CJKBigramFilter.DOUBLE_TYPE ? boosting : required).Add(word);
        }
        stream.End();
        return new QueryTerms(required.Distinct(StringComparer.Ordinal).ToList(), boosting.Distinct(StringComparer.Ordinal).ToList());
    }
}

internal sealed record QueryTerms(IReadOnlyList<string> Required, IReadOnlyList<string> Boosting);

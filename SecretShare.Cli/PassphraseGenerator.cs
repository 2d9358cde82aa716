using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace SecretShare.Cli;

/// <summary>
/// Generates word passphrases from the web UI's own list (wwwroot/js/wordlist.js, embedded at build
/// time), so both clients offer the same kind of passphrase: 5 words joined by spaces.
/// </summary>
public static partial class PassphraseGenerator
{
    public const int DefaultWordCount = 5;

    // Fewer words than this would make a 5-word passphrase too weak; fail loudly rather than generate one.
    private const int MinimumWords = 1024;

    private static readonly Lazy<IReadOnlyList<string>> LazyWords = new(LoadEmbeddedWords);

    public static IReadOnlyList<string> Words => LazyWords.Value;

    public static string Generate(int wordCount = DefaultWordCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(wordCount, 1);
        var words = Words;
        var picked = new string[wordCount];
        for (var i = 0; i < wordCount; i++)
        {
            picked[i] = words[RandomNumberGenerator.GetInt32(words.Count)];
        }

        return string.Join(' ', picked);
    }

    /// <summary>
    /// Extracts the words from the JS module: either a template literal of whitespace-separated words
    /// (<c>const RAW = `able acid …`</c>) or an array of quoted strings (<c>["able", "acid", …]</c>).
    /// </summary>
    public static IReadOnlyList<string> ParseWordList(string module)
    {
        var template = TemplateLiteral().Match(module);
        IEnumerable<string> candidates = template.Success
            ? template.Groups["body"].Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            : QuotedWord().Matches(module).Select(m => m.Groups["word"].Value);

        var words = candidates.Distinct(StringComparer.Ordinal).ToArray();
        if (words.Length < MinimumWords || !words.All(w => LowercaseWord().IsMatch(w)))
        {
            throw new InvalidOperationException(
                $"The embedded word list is unusable: {words.Length} words, at least {MinimumWords} lowercase words are required.");
        }

        return words;
    }

    private static IReadOnlyList<string> LoadEmbeddedWords()
    {
        using var stream = typeof(PassphraseGenerator).Assembly.GetManifestResourceStream("wordlist.js")
            ?? throw new InvalidOperationException("The word list resource 'wordlist.js' is missing from the build.");
        using var reader = new StreamReader(stream);
        return ParseWordList(reader.ReadToEnd());
    }

    [GeneratedRegex(@"=\s*`(?<body>[^`]*)`")]
    private static partial Regex TemplateLiteral();

    [GeneratedRegex("""["'](?<word>[a-z]+)["']""")]
    private static partial Regex QuotedWord();

    [GeneratedRegex("^[a-z]+$")]
    private static partial Regex LowercaseWord();
}

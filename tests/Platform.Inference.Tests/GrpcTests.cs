using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Configuration;
using Platform.Inference.Grpc;
using Platform.Inference.Grpc.Protocol;
using Platform.Inference.Protocol;
using Platform.Inference.Tests.Hosting;
using static Platform.Inference.Tests.Hosting.OipClient;

namespace Platform.Inference.Tests;

/// <summary>The Open Inference Protocol's gRPC API, on the server's gRPC port, against the same models the HTTP tests use.</summary>
public sealed class GrpcTests(ProtocolFixture fixture) : IClassFixture<ProtocolFixture>
{
    private static readonly float[] ThreeRows = [0.1f, 0.2f, 0.3f, 0.4f, 1f, -1f, 2f, -2f, 5f, 6f, 7f, 8f];

    private GRPCInferenceService.GRPCInferenceServiceClient Grpc => fixture.Grpc;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Health_and_server_metadata_match_the_http_api()
    {
        Assert.True((await Grpc.ServerLiveAsync(new ServerLiveRequest(), cancellationToken: Cancellation)).Live);
        Assert.True((await Grpc.ServerReadyAsync(new ServerReadyRequest(), cancellationToken: Cancellation)).Ready);

        var metadata = await Grpc.ServerMetadataAsync(new ServerMetadataRequest(), cancellationToken: Cancellation);
        var http = await (await fixture.Client.GetAsync("/v2", Cancellation)).ReadJsonAsync();
        Assert.Equal(http["name"]!.GetValue<string>(), metadata.Name);
        Assert.Equal(http["version"]!.GetValue<string>(), metadata.Version);
        Assert.Equal(http["extensions"]!.AsArray().Select(extension => extension!.GetValue<string>()), metadata.Extensions);
    }

    [Fact]
    public async Task Model_metadata_and_readiness_are_those_of_the_served_version()
    {
        var metadata = await Grpc.ModelMetadataAsync(new ModelMetadataRequest { Name = "fixed" }, cancellationToken: Cancellation);
        Assert.Equal("fixed", metadata.Name);
        Assert.Equal(["1"], metadata.Versions);
        Assert.Equal("onnx_onnxv1", metadata.Platform);
        Assert.Equal([("a", "FP32", "2,3"), ("b", "INT64", "3")], metadata.Inputs.Select(input => (input.Name, input.Datatype, string.Join(',', input.Shape))));
        Assert.Equal(["sum", "doubled"], metadata.Outputs.Select(output => output.Name));

        var batched = await Grpc.ModelMetadataAsync(new ModelMetadataRequest { Name = "mlp", Version = "7" }, cancellationToken: Cancellation);
        Assert.Equal([-1L, 4L], batched.Inputs.Single().Shape);

        Assert.True((await Grpc.ModelReadyAsync(new ModelReadyRequest { Name = "mlp" }, cancellationToken: Cancellation)).Ready);
        Assert.True((await Grpc.ModelReadyAsync(new ModelReadyRequest { Name = "mlp", Version = "7" }, cancellationToken: Cancellation)).Ready);
        Assert.False((await Grpc.ModelReadyAsync(new ModelReadyRequest { Name = "mlp", Version = "6" }, cancellationToken: Cancellation)).Ready);
    }

    [Fact]
    public async Task Unknown_models_and_versions_are_not_found()
    {
        var ready = await Assert.ThrowsAsync<RpcException>(() => Grpc.ModelReadyAsync(new ModelReadyRequest { Name = "nope" }, cancellationToken: Cancellation).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, ready.StatusCode);
        Assert.Contains("Unknown model 'nope'", ready.Status.Detail);

        var metadata = await Assert.ThrowsAsync<RpcException>(() =>
            Grpc.ModelMetadataAsync(new ModelMetadataRequest { Name = "mlp", Version = "6" }, cancellationToken: Cancellation).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, metadata.StatusCode);
        Assert.Contains("version 7 serves", metadata.Status.Detail);

        var unknown = MlpRequest(raw: true);
        unknown.ModelName = "nope";
        var infer = await Assert.ThrowsAsync<RpcException>(() => Grpc.ModelInferAsync(unknown, cancellationToken: Cancellation).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, infer.StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Inference_gives_what_onnx_runtime_gives_with_typed_or_raw_contents(bool raw)
    {
        var request = MlpRequest(raw);
        request.Id = "grpc-42";
        request.Parameters["priority"] = new InferParameter { Int64Param = 1 };
        var response = await Grpc.ModelInferAsync(request, cancellationToken: Cancellation);

        Assert.Equal("mlp", response.ModelName);
        Assert.Equal("7", response.ModelVersion);
        Assert.Equal("grpc-42", response.Id);
        var output = response.Outputs.Single();
        Assert.Equal(("output", "FP32"), (output.Name, output.Datatype));
        Assert.Equal([3L, 3L], output.Shape);
        Assert.Null(output.Contents);
        Assert.Equal(DirectOnnx.Run(ProtocolFixture.Mlp, "input", ThreeRows, [3, 4], "output"), Floats(response.RawOutputContents.Single()));
    }

    [Fact]
    public async Task The_same_request_over_grpc_and_over_http_gives_the_same_answer()
    {
        var http = await (await fixture.Client.InferAsync("mlp", Request(Input("input", "FP32", [3, 4], Array(ThreeRows))))).ReadJsonAsync();
        var grpc = await Grpc.ModelInferAsync(MlpRequest(raw: false), cancellationToken: Cancellation);
        Assert.Equal(OipClient.Floats(Output(http, "output")), Floats(grpc.RawOutputContents.Single()));
    }

    [Fact]
    public async Task Only_the_requested_outputs_come_back_in_the_order_asked()
    {
        var request = new ModelInferRequest { ModelName = "fixed" };
        request.Inputs.Add(Typed("a", "FP32", [2, 3], contents => contents.Fp32Contents.Add([1f, 2f, 3f, 4f, 5f, 6f])));
        request.Inputs.Add(Typed("b", "INT64", [3], contents => contents.Int64Contents.Add([10L, 20L, 30L])));
        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "doubled" });
        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "sum" });

        var response = await Grpc.ModelInferAsync(request, cancellationToken: Cancellation);

        Assert.Equal(["doubled", "sum"], response.Outputs.Select(output => output.Name));
        Assert.Equal([22f, 44f, 66f, 28f, 50f, 72f], Floats(response.RawOutputContents[0]));
        Assert.Equal([11f, 22f, 33f, 14f, 25f, 36f], Floats(response.RawOutputContents[1]));
    }

    public static TheoryData<string> EveryDatatype => new(DataType.All.Select(type => type.Name));

    [Theory]
    [MemberData(nameof(EveryDatatype))]
    public async Task Every_datatype_round_trips_as_raw_contents(string datatype)
    {
        var type = DataType.TryParse(datatype, out var parsed) ? parsed : throw new ArgumentException(datatype);
        var raw = type.IsBytes
            ? BinaryResponse.Strings(Encoding.UTF8.GetBytes("héllo"), [], [0, 255, 10])
            : Enumerable.Range(0, 3 * type.Size).Select(i => (byte)(i * 37 % 251 % (type == DataType.Bool ? 2 : 251))).ToArray();
        var request = new ModelInferRequest { ModelName = ProtocolFixture.IdentityModel(type) };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = type.Name, Shape = { 1, 3 } });
        request.RawInputContents.Add(ByteString.CopyFrom(raw));

        var response = await Grpc.ModelInferAsync(request, cancellationToken: Cancellation);

        Assert.Equal(type.Name, response.Outputs.Single().Datatype);
        Assert.Equal([1L, 3L], response.Outputs.Single().Shape);
        Assert.Equal(raw, response.RawOutputContents.Single().ToByteArray());
    }

    public static TheoryData<string, Action<InferTensorContents>, byte[]> TypedContents => new()
    {
        { "BOOL", contents => contents.BoolContents.Add([true, false, true]), [1, 0, 1] },
        { "INT8", contents => contents.IntContents.Add([-128, 0, 127]), [0x80, 0, 0x7f] },
        { "INT16", contents => contents.IntContents.Add([-2, 0, 300]), BinaryResponse.Bytes<short>(-2, 0, 300) },
        { "INT32", contents => contents.IntContents.Add([int.MinValue, 0, int.MaxValue]), BinaryResponse.Bytes(int.MinValue, 0, int.MaxValue) },
        { "INT64", contents => contents.Int64Contents.Add([long.MinValue, 0, long.MaxValue]), BinaryResponse.Bytes(long.MinValue, 0, long.MaxValue) },
        { "UINT8", contents => contents.UintContents.Add([0u, 7u, 255u]), [0, 7, 255] },
        { "UINT16", contents => contents.UintContents.Add([0u, 7u, 65535u]), BinaryResponse.Bytes<ushort>(0, 7, 65535) },
        { "UINT32", contents => contents.UintContents.Add([0u, 7u, uint.MaxValue]), BinaryResponse.Bytes(0u, 7u, uint.MaxValue) },
        { "UINT64", contents => contents.Uint64Contents.Add([0ul, 7ul, ulong.MaxValue]), BinaryResponse.Bytes(0ul, 7ul, ulong.MaxValue) },
        // Typed contents carry what JSON cannot: NaN and the infinities.
        { "FP32", contents => contents.Fp32Contents.Add([float.NaN, float.NegativeInfinity, 1.5f]), BinaryResponse.Bytes(float.NaN, float.NegativeInfinity, 1.5f) },
        { "FP64", contents => contents.Fp64Contents.Add([double.PositiveInfinity, -0.25, 1e300]), BinaryResponse.Bytes(double.PositiveInfinity, -0.25, 1e300) },
        { "BYTES", contents => contents.BytesContents.Add([ByteString.CopyFromUtf8("a"), ByteString.Empty, ByteString.CopyFrom(0, 255)]), BinaryResponse.Strings("a"u8.ToArray(), [], [0, 255]) },
    };

    [Theory]
    [MemberData(nameof(TypedContents))]
    public async Task Typed_contents_of_every_datatype_that_has_a_field_arrive_as_sent(string datatype, Action<InferTensorContents> fill, byte[] expected)
    {
        var request = new ModelInferRequest { ModelName = ProtocolFixture.IdentityModel(Type(datatype)) };
        request.Inputs.Add(Typed("input", datatype, [1, 3], fill));

        var response = await Grpc.ModelInferAsync(request, cancellationToken: Cancellation);

        Assert.Equal(expected, response.RawOutputContents.Single().ToByteArray());
    }

    public static TheoryData<string, string> BadRequests => new()
    {
        { "unknown input", "The model has no input 'wrong'" },
        { "wrong datatype", "is FP32 in the model, but the request sends FP64" },
        { "wrong shape", "has shape [3, 5], but the model takes [-1, 4]" },
        { "too few elements", "fp32_contents must hold 12 elements, but holds 11" },
        { "elements in the wrong field", "its elements go in fp32_contents, but fp64_contents holds 12" },
        { "elements in two fields", "its elements go in fp32_contents, but int_contents holds 2" },
        { "no data", "has neither contents nor an entry in raw_input_contents" },
        { "raw and typed at once", "has contents, but the request carries raw_input_contents" },
        { "raw entries for fewer inputs", "raw_input_contents has 2 entries for 1 inputs" },
        { "raw bytes of the wrong size", "has 44 bytes of binary data, but 12 FP32 elements of shape [3, 4] take 48" },
        { "a huge declared shape", "fp32_contents must hold 4000000000000 elements, but holds 12" },
        { "a shape whose count overflows", "has more elements than a 64-bit count holds" },
        { "a negative dimension", "has a negative dimension" },
        { "an unknown output", "The model has no output 'nope'" },
        { "an input twice", "Input 'input' appears more than once" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_is_invalid_argument_with_the_reason(string mistake, string reason)
    {
        var request = MlpRequest(raw: mistake.StartsWith("raw", StringComparison.Ordinal));
        var input = request.Inputs[0];
        switch (mistake)
        {
            case "unknown input": input.Name = "wrong"; break;
            case "wrong datatype": input.Datatype = "FP64"; break;
            case "wrong shape": input.Shape[1] = 5; break;
            case "too few elements": input.Contents.Fp32Contents.RemoveAt(0); break;
            case "elements in the wrong field":
                input.Contents = new InferTensorContents { Fp64Contents = { ThreeRows.Select(value => (double)value) } };
                break;
            case "elements in two fields": input.Contents.IntContents.Add([1, 2]); break;
            case "no data": input.Contents = null; break;
            case "raw and typed at once": input.Contents = new InferTensorContents { Fp32Contents = { ThreeRows } }; break;
            case "raw entries for fewer inputs": request.RawInputContents.Add(ByteString.Empty); break;
            case "raw bytes of the wrong size": request.RawInputContents[0] = ByteString.CopyFrom(request.RawInputContents[0].Span[4..]); break;
            case "a huge declared shape": input.Shape[0] = 1_000_000_000_000; break;
            case "a shape whose count overflows": input.Shape[0] = long.MaxValue / 2; break;
            case "a negative dimension": input.Shape[0] = -3; break;
            case "an unknown output": request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "nope" }); break;
            case "an input twice": request.Inputs.Add(input.Clone()); break;
        }

        var failure = await Assert.ThrowsAsync<RpcException>(() => Grpc.ModelInferAsync(request, cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, failure.StatusCode);
        Assert.Contains(reason, failure.Status.Detail);
        // The server is unharmed: the next good request is answered.
        Assert.Single((await Grpc.ModelInferAsync(MlpRequest(raw: false), cancellationToken: Cancellation)).RawOutputContents);
    }

    [Fact]
    public async Task Values_outside_the_datatype_and_half_precision_without_raw_bytes_are_refused()
    {
        var int8 = new ModelInferRequest { ModelName = ProtocolFixture.IdentityModel(DataType.Int8) };
        int8.Inputs.Add(Typed("input", "INT8", [1, 1], contents => contents.IntContents.Add(128)));
        var outside = await Assert.ThrowsAsync<RpcException>(() => Grpc.ModelInferAsync(int8, cancellationToken: Cancellation).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, outside.StatusCode);
        Assert.Contains("is 128, outside the INT8 range -128 to 127", outside.Status.Detail);

        var fp16 = new ModelInferRequest { ModelName = ProtocolFixture.IdentityModel(DataType.Fp16) };
        fp16.Inputs.Add(Typed("input", "FP16", [1, 1], contents => contents.Fp32Contents.Add(1f)));
        var half = await Assert.ThrowsAsync<RpcException>(() => Grpc.ModelInferAsync(fp16, cancellationToken: Cancellation).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, half.StatusCode);
        Assert.Contains("FP16, which has no typed contents field: send it in raw_input_contents", half.Status.Detail);
    }

    [Fact]
    public async Task A_message_over_the_request_limit_is_refused_before_it_is_read()
    {
        var request = new ModelInferRequest { ModelName = "identity-uint8" };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "UINT8", Shape = { 1, ProtocolFixture.MaxRequestBytes } });
        request.RawInputContents.Add(ByteString.CopyFrom(new byte[ProtocolFixture.MaxRequestBytes]));

        var failure = await Assert.ThrowsAsync<RpcException>(() => Grpc.ModelInferAsync(request, cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, failure.StatusCode);
    }

    [Fact]
    public async Task Grpc_inferences_count_in_the_models_triton_metrics()
    {
        var before = await Counter("nv_inference_request_success", "house");
        var failedBefore = await Counter("nv_inference_request_failure", "house", "reason=\"OTHER\",");
        var request = new ModelInferRequest { ModelName = "house" };
        var metadata = await Grpc.ModelMetadataAsync(new ModelMetadataRequest { Name = "house" }, cancellationToken: Cancellation);
        foreach (var input in metadata.Inputs)
        {
            request.Inputs.Add(Typed(input.Name, input.Datatype, [1, 1], contents => contents.Fp32Contents.Add(1f)));
        }

        await Grpc.ModelInferAsync(request, cancellationToken: Cancellation);
        request.Inputs[0].Datatype = "FP64";
        await Assert.ThrowsAsync<RpcException>(() => Grpc.ModelInferAsync(request, cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal(before + 1, await Counter("nv_inference_request_success", "house"));
        Assert.Equal(failedBefore + 1, await Counter("nv_inference_request_failure", "house", "reason=\"OTHER\","));
    }

    [Fact]
    public async Task Tritons_statistics_call_answers_what_the_http_extension_does()
    {
        await Grpc.ModelInferAsync(MlpRequest(raw: true), cancellationToken: Cancellation);

        var grpc = (await Grpc.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "mlp" }, cancellationToken: Cancellation)).ModelStats.Single();
        var http = (await (await fixture.Client.GetAsync("/v2/models/mlp/stats", Cancellation)).ReadJsonAsync())["model_stats"]!.AsArray().Single()!;
        Assert.Equal(("mlp", "7"), (grpc.Name, grpc.Version));
        Assert.True(grpc.InferenceCount >= 3, "the three rows just inferred count");
        Assert.Equal((http["inference_count"]!.GetValue<ulong>(), http["execution_count"]!.GetValue<ulong>(), http["last_inference"]!.GetValue<ulong>()),
            (grpc.InferenceCount, grpc.ExecutionCount, grpc.LastInference));
        var stats = grpc.InferenceStats;
        foreach (var (phase, duration) in new[] { ("success", stats.Success), ("fail", stats.Fail), ("queue", stats.Queue), ("compute_input", stats.ComputeInput),
            ("compute_infer", stats.ComputeInfer), ("compute_output", stats.ComputeOutput), ("cache_hit", stats.CacheHit) })
        {
            Assert.Equal((http["inference_stats"]![phase]!["count"]!.GetValue<ulong>(), http["inference_stats"]![phase]!["ns"]!.GetValue<ulong>()), (duration.Count, duration.Ns));
        }
        Assert.Equal(http["batch_stats"]!.AsArray().Select(batch => (batch!["batch_size"]!.GetValue<ulong>(), batch["compute_infer"]!["count"]!.GetValue<ulong>())),
            grpc.BatchStats.Select(batch => (batch.BatchSize, batch.ComputeInfer.Count)));

        var all = await Grpc.ModelStatisticsAsync(new ModelStatisticsRequest(), cancellationToken: Cancellation);
        Assert.Contains(all.ModelStats, stat => stat.Name == "iris");
        foreach (var unknown in new[] { new ModelStatisticsRequest { Name = "nothing-here" }, new ModelStatisticsRequest { Name = "mlp", Version = "99" } })
        {
            var refused = await Assert.ThrowsAsync<RpcException>(async () => await Grpc.ModelStatisticsAsync(unknown, cancellationToken: Cancellation));
            Assert.Equal(StatusCode.NotFound, refused.StatusCode);
        }
    }

    [Theory]
    [InlineData("urls", "http://127.0.0.1:5005", "http://127.0.0.1:5005;http://127.0.0.1:8001")]
    [InlineData("urls", "http://localhost:7000;http://localhost:8001", "http://localhost:7000;http://localhost:8001")]
    [InlineData("http_ports", "8080", "http://*:8080;http://*:8001")]
    [InlineData("https_ports", "8443", "https://*:8443;http://*:8001")]
    [InlineData(null, null, "http://localhost:5000;http://localhost:8001")]
    public void The_grpc_port_joins_the_servers_addresses_however_they_were_given(string? key, string? value, string expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(key is null ? [] : [new KeyValuePair<string, string?>(key, value)])
            .Build();

        Assert.Equal(expected, Microsoft.Extensions.Hosting.Http2Port.ServerUrls(configuration, 8001, "Inference:GrpcPort"));
    }

    [Fact]
    public void A_grpc_port_that_is_the_servers_only_port_stops_the_server_at_start()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new KeyValuePair<string, string?>("urls", "http://127.0.0.1:8001")]).Build();

        var exception = Assert.Throws<InvalidOperationException>(() => Microsoft.Extensions.Hosting.Http2Port.ServerUrls(configuration, 8001, "Inference:GrpcPort"));

        Assert.Contains("give gRPC a port of its own", exception.Message);
    }

    [Fact]
    public async Task A_compressed_request_is_answered_and_one_that_inflates_past_the_limit_is_resource_exhausted()
    {
        // The .NET client compresses a call with gzip when this header asks it to.
        var compressed = new Metadata { { "grpc-internal-encoding-request", "gzip" } };
        var answer = await Grpc.ModelInferAsync(MlpRequest(raw: true), compressed, cancellationToken: Cancellation);
        Assert.Equal(DirectOnnx.Run(ProtocolFixture.Mlp, "input", ThreeRows, [3, 4], "output"), Floats(answer.RawOutputContents.Single()));

        // Zeros compress to almost nothing: a few kilobytes on the wire that inflate to four times the server's limit.
        var bomb = new ModelInferRequest { ModelName = "identity-uint8" };
        bomb.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "UINT8", Shape = { 1, 4 * ProtocolFixture.MaxRequestBytes } });
        bomb.RawInputContents.Add(ByteString.CopyFrom(new byte[4 * ProtocolFixture.MaxRequestBytes]));
        var failure = await Assert.ThrowsAsync<RpcException>(() => Grpc.ModelInferAsync(bomb, compressed, cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, failure.StatusCode);
        Assert.Contains("inflates to more than the server's limit", failure.Status.Detail);
        Assert.Single((await Grpc.ModelInferAsync(MlpRequest(raw: true), cancellationToken: Cancellation)).RawOutputContents);
    }

    private async Task<long> Counter(string name, string model, string labels = "")
    {
        var metrics = await fixture.Client.GetStringAsync("/metrics", Cancellation);
        var line = metrics.Split('\n').Single(line => line.StartsWith($"{name}{{model=\"{model}\",{labels}version=\"1\"}} ", StringComparison.Ordinal));
        return long.Parse(line[(line.LastIndexOf(' ') + 1)..]);
    }

    private static ModelInferRequest MlpRequest(bool raw)
    {
        var request = new ModelInferRequest { ModelName = "mlp" };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32", Shape = { 3, 4 } };
        request.Inputs.Add(input);
        if (raw)
        {
            request.RawInputContents.Add(ByteString.CopyFrom(BinaryResponse.Bytes(ThreeRows)));
        }
        else
        {
            input.Contents = new InferTensorContents { Fp32Contents = { ThreeRows } };
        }
        return request;
    }

    private static ModelInferRequest.Types.InferInputTensor Typed(string name, string datatype, long[] shape, Action<InferTensorContents> fill)
    {
        var input = new ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = datatype, Shape = { shape }, Contents = new InferTensorContents() };
        fill(input.Contents);
        return input;
    }

    private static DataType Type(string name) => DataType.TryParse(name, out var type) ? type : throw new ArgumentException(name);

    private static float[] Floats(ByteString bytes) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.Span).ToArray();
}

/// <summary>Messages larger than Kestrel's own body limit (30 MB), on a server that allows them.</summary>
public sealed class GrpcLargeMessageTests
{
    private const int MaxRequestBytes = 48 * 1024 * 1024;

    [Fact]
    public async Task A_message_over_kestrels_body_limit_but_within_the_servers_is_answered_and_one_over_the_servers_is_resource_exhausted()
    {
        using var models = new ModelFolder();
        models.Add("identity-uint8", TestGraphs.Identity(DataType.UInt8));
        models.Set("Inference:MaxRequestBytes", MaxRequestBytes.ToString());
        models.Set("Inference:CacheDirectory", Path.Combine(models.Path, "cache"));
        var grpcPort = Platform.Testing.FreePort.Next();
        models.Set("Inference:GrpcPort", grpcPort.ToString());
        await using var server = await InferenceServer.StartAsync(models.Settings);
        using var http = server.CreateClient();
        await InferenceServer.WaitUntilReadyAsync(http);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}",
            new GrpcChannelOptions { MaxReceiveMessageSize = null, MaxSendMessageSize = null });
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);

        var large = Request(32 * 1024 * 1024);
        var response = await client.ModelInferAsync(large, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal([1L, 32 * 1024 * 1024], response.Outputs.Single().Shape);
        Assert.True(large.RawInputContents[0] == response.RawOutputContents[0], "the identity model's answer differs from its input");

        var tooLarge = await Assert.ThrowsAsync<RpcException>(() =>
            client.ModelInferAsync(Request(MaxRequestBytes + 1), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, tooLarge.StatusCode);
    }

    private static ModelInferRequest Request(int bytes)
    {
        var data = new byte[bytes];
        new Random(7).NextBytes(data);
        var request = new ModelInferRequest { ModelName = "identity-uint8" };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "UINT8", Shape = { 1, bytes } });
        request.RawInputContents.Add(UnsafeByteOperations.UnsafeWrap(data));
        return request;
    }
}

using System.Text;

namespace Platform.AppHost.Bench;

/// <summary>The request both paths of the overhead comparison send: the seeded <c>mlp</c> model, one row.</summary>
public static class Inference
{
    public const string MlpPath = "/v2/models/mlp/infer";

    public const string MlpBody = """{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}""";

    public static StringContent MlpRequest() => new(MlpBody, Encoding.UTF8, "application/json");
}

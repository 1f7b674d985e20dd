using Microsoft.ML;

namespace Platform.SampleModels;

internal static class OnnxExport
{
    public static byte[] ToBytes(MLContext ml, ITransformer model, IDataView data)
    {
        using var onnx = new MemoryStream();
        ml.Model.ConvertToOnnx(model, data, onnx);
        return onnx.ToArray();
    }
}

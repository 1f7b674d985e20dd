using Microsoft.Extensions.Options;
using Platform.Inference.Models;
using Platform.Storage.Configuration;

namespace Platform.Inference.Extensions;

/// <summary>Checks what data annotations cannot: model declarations, references, the local store and runtime settings.</summary>
internal sealed class InferenceOptionsValidator(IServiceProvider services) : IValidateOptions<InferenceOptions>
{
    public ValidateOptionsResult Validate(string? name, InferenceOptions options)
    {
        var problems = Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private IEnumerable<string> Problems(InferenceOptions options)
    {
        const string section = InferenceOptions.SectionName;
        if (options.LocalStore is { } local && !services.GetRequiredService<ObjectStores>().TryGet(local, out _))
        {
            yield return $"{section}:LocalStore '{local}' is not a store configured under Storage:Stores.";
        }
        foreach (var problem in options.Defaults.Problems($"{section}:Defaults"))
        {
            yield return problem;
        }
        foreach (var (model, declaration) in options.Models)
        {
            var owner = $"{section}:Models:{model}";
            if (!ModelReference.IsName(model))
            {
                yield return $"{owner}: a model name is 1 to 63 lower-case letters, digits and '-', starting and ending with a letter or digit.";
            }
            if ((declaration.Reference is null) == (declaration.Path is null))
            {
                yield return $"{owner} needs exactly one of Reference (a registry reference) and Path (an ONNX file).";
            }
            if (declaration.Reference is { } reference && !ModelReference.TryParse(reference, out _))
            {
                yield return $"{owner}:Reference '{reference}' is not 'name@alias' or 'name/version'.";
            }
            if (string.IsNullOrWhiteSpace(declaration.Version))
            {
                yield return $"{owner}:Version cannot be empty.";
            }
            foreach (var problem in declaration.Problems(owner))
            {
                yield return problem;
            }
        }
    }
}

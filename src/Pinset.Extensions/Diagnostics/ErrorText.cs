namespace Pinset.Extensions;

/// <summary>Errors as the sentences Pinset's messages quote.</summary>
internal static class ErrorText
{
    /// <summary>An exception and its causes, as one sentence: "The SSL connection could not be established" alone says nothing.</summary>
    public static string WithCauses(Exception error)
    {
        var messages = new List<string>();
        for (var e = error; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message.TrimEnd('.'));
        }

        return string.Join(": ", messages) + ".";
    }
}

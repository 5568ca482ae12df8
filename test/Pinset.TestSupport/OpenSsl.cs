namespace Pinset.TestSupport;

/// <summary>Runs the real openssl command line, the referee for pins and fingerprints.</summary>
public static class OpenSsl
{
    /// <summary>Runs openssl with the arguments; returns its standard output, or throws with its standard error.</summary>
    public static string Run(string workingDirectory, params string[] arguments)
    {
        using var process = ExternalTool.OpenSsl.Start(arguments, workingDirectory);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0
            ? output.Result
            : throw new InvalidOperationException($"openssl {string.Join(' ', arguments)} exited {process.ExitCode}: {error}");
    }

    /// <summary>
    /// The pin as the reference pipeline computes it:
    /// <c>openssl x509 -pubkey | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64</c>.
    /// </summary>
    public static string PinOfPublicKeyPem(string workingDirectory, string publicKeyPemFile)
    {
        var der = Path.Combine(workingDirectory, Path.GetRandomFileName());
        Run(workingDirectory, "pkey", "-pubin", "-in", publicKeyPemFile, "-outform", "der", "-out", der);
        var digest = Path.Combine(workingDirectory, Path.GetRandomFileName());
        Run(workingDirectory, "dgst", "-sha256", "-binary", "-out", digest, der);
        return "sha256/" + Convert.ToBase64String(File.ReadAllBytes(digest));
    }
}

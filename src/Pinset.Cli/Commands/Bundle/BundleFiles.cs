using System.Security.Cryptography;

namespace Pinset.Cli;

/// <summary>The files the bundle commands read: bundles, trusted public keys and the signing key, each refused with a sentence naming it.</summary>
internal static class BundleFiles
{
    public static async Task<string> ReadBundleAsync(CliConsole console, string path, CancellationToken cancel)
    {
        var text = await console.Files.ReadTextAsync(path, "a pin bundle file", cancel).ConfigureAwait(false);
        return text.Length <= PinBundle.MaxLength ? text.Trim()
            : throw new CliException(ExitCodes.Refused, $"'{InputFile.Display(path)}' is {text.Length} characters long; a pin bundle is at most {PinBundle.MaxLength}.");
    }

    public static async Task<PinBundleKey> ReadPublicKeyAsync(CliConsole console, string path, CancellationToken cancel)
    {
        var pem = await console.Files.ReadTextAsync(path, "a public key file (NAME.pub from 'pinset bundle keygen')", cancel).ConfigureAwait(false);
        try
        {
            return PinBundleKey.FromPublicKeyPem(pem, InputFile.Display(path));
        }
        catch (PinsetFormatException ex)
        {
            throw new CliException(ExitCodes.BadInput, ex.Message, ex);
        }
    }

    public static async Task<ECDsa> ReadSigningKeyAsync(CliConsole console, string path, CancellationToken cancel)
    {
        var pem = await console.Files.ReadTextAsync(path, "a signing key file (NAME.key from 'pinset bundle keygen')", cancel).ConfigureAwait(false);
        if (PemEncoding.TryFind(pem, out var found) && pem[found.Label] is "PUBLIC KEY")
        {
            throw new CliException(ExitCodes.BadInput, $"'{InputFile.Display(path)}' holds a public key; signing needs the private key (NAME.key from 'pinset bundle keygen', beside NAME.pub).");
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            PinBundleKey.FromPublicKey(key, InputFile.Display(path));
            return key;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException or PinsetFormatException)
        {
            key.Dispose();
            throw new CliException(ExitCodes.BadInput, $"'{InputFile.Display(path)}' is not an ECDSA P-256 private key in PEM (as 'pinset bundle keygen' writes it): {ex.Message}", ex);
        }
    }
}

using System.CommandLine;
using System.Security.Cryptography;

namespace Pinset.Cli;

/// <summary><c>pinset bundle keygen NAME</c>: a signing key pair, NAME.key (mode 600, never overwritten) and NAME.pub, and its key id.</summary>
internal static class BundleKeygenCommand
{
    public static Command Create(CliConsole output, Option<bool> json)
    {
        var name = new Argument<string>("name") { Description = "The key's file stem, with a directory if you like: writes NAME.key and NAME.pub." };
        var command = new Command("keygen", "Generate a bundle signing key: NAME.key (private, mode 600, keep it offline) and NAME.pub (for clients).") { name };
        command.SetAction((parse, cancel) =>
        {
            var stem = parse.GetValue(name)!;
            var directory = Path.GetDirectoryName(Path.GetFullPath(stem))!;
            if (!Directory.Exists(directory))
            {
                throw new CliException(ExitCodes.BadInput, StagedFile.MissingDirectory(stem, directory));
            }

            if (new[] { stem + ".key", stem + ".pub" }.FirstOrDefault(File.Exists) is { } existing)
            {
                throw new CliException(ExitCodes.BadInput, $"'{existing}' already exists; a signing key is never overwritten (clients may trust it, and bundles signed with it would stop verifying). Choose another NAME.");
            }

            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var id = PinBundleKey.FromPublicKey(key).Id;
            using (var privateFile = StagedFile.Write(stem + ".key", key.ExportPkcs8PrivateKeyPem() + "\n", UnixFileMode.UserRead | UnixFileMode.UserWrite))
            using (var publicFile = StagedFile.Write(stem + ".pub", key.ExportSubjectPublicKeyInfoPem() + "\n"))
            {
                cancel.ThrowIfCancellationRequested();
                privateFile.Commit(overwrite: false);
                try
                {
                    publicFile.Commit(overwrite: false);
                }
                catch (CliException)
                {
                    privateFile.Revert();
                    throw;
                }
            }

            if (parse.GetValue(json))
            {
                output.Out.WriteLine(JsonDocumentWriter.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("keyId", id.ToString());
                    w.WriteString("privateKey", stem + ".key");
                    w.WriteString("publicKey", stem + ".pub");
                    w.WriteEndObject();
                }));
            }
            else
            {
                output.Out.WriteLine(id.ToString());
                output.Error.WriteLine($"Wrote the signing key to '{stem}.key' (mode 600; keep it offline) and the public key to '{stem}.pub' (give it to clients as a trusted bundle key).");
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}

using System.Text.Json;
using TodoSample;
using ViewSync.Persistence;
using ViewSync.Protocol;
using ViewSync.Store;

namespace ViewSync.Benchmarks.Journal;

/// <summary>
/// Shared inputs of the journal benchmarks: todos <c>t0..t{n-1}</c>, 100-change pages over them, and a
/// replica opened over <see cref="FilePersistence"/> in a temporary directory.
/// </summary>
internal static class JournalData
{
    /// <summary>Changes per pulled page, as the targets state them.</summary>
    public const int PageSize = 100;

    /// <summary>The UTF-8 JSON of one todo, as the server sends it.</summary>
    public static byte[] Todo(int i, int version) =>
        JsonSerializer.SerializeToUtf8Bytes(new Todo($"t{i}", $"title {i} v{version}", version % 2 == 0), AppJson.Default.Todo);

    /// <summary>A snapshot of <paramref name="entities"/> todos.</summary>
    public static StoreSnapshot Snapshot(int entities)
    {
        var builder = new StoreSnapshot.Builder();
        for (var i = 0; i < entities; i++)
        {
            builder.Add("todo", $"t{i}", Todo(i, 0));
        }

        return builder.Build();
    }

    /// <summary>A page updating <see cref="PageSize"/> todos from <paramref name="first"/> (wrapping at <paramref name="entities"/>).</summary>
    public static EntityWrite[] Page(int first, int entities, int version) =>
        [.. Enumerable.Range(0, PageSize).Select(k => (first + k) % entities).Select(i => new EntityWrite("todo", $"t{i}", Todo(i, version)))];

    /// <summary>The same page as the pull response JSON the client receives.</summary>
    public static byte[] PageJson(EntityWrite[] page, ulong cursorBefore)
    {
        var changes = page.Select((w, k) => new Change
        {
            Cursor = cursorBefore + (ulong)k + 1,
            Scope = Scopes.Default,
            Time = DateTimeOffset.UnixEpoch,
            Data = JsonSerializer.SerializeToElement(new EntityChange
            {
                Entity = w.Entity,
                Id = w.Id,
                Op = EntityChange.Update,
                Value = JsonDocument.Parse(w.Json!.Value).RootElement.Clone(),
            }, ProtocolJsonContext.Default.EntityChange),
        }).ToList();
        return JsonSerializer.SerializeToUtf8Bytes(new PullResponse { Changes = changes, NextCursor = cursorBefore + (ulong)page.Length }, ProtocolJsonContext.Default.PullResponse);
    }

    /// <summary>A fresh directory under the system temp path (on this machine the same disk as the repo, so fsync is real).</summary>
    public static string NewDirectory(string purpose)
    {
        var path = Path.Combine(Path.GetTempPath(), "viewsync-bench", $"{purpose}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Deletes a directory made by <see cref="NewDirectory"/>, ignoring what cannot be deleted.</summary>
    public static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A replica over <see cref="FilePersistence"/> in <paramref name="directory"/> holding <paramref name="entities"/> confirmed todos at cursor 1.</summary>
    public static async Task<Replica> OpenFilledAsync(string directory, int entities)
    {
        var replica = new Replica(TodoDb.Mutators);
        await replica.OpenAsync(new FilePersistence(directory), new JournalOptions());
        replica.ResetConfirmed(Snapshot(entities), 1, []);
        await replica.FlushAsync();
        return replica;
    }
}

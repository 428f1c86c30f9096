using System.Text.Json.Serialization;
using ViewSync.Mutators;

namespace ViewSync.Client.IntegrationTests.Simulation;

/// <summary>A counter only ever added to: its final value proves each add was applied exactly once.</summary>
[SyncEntity("counter")]
public sealed record Counter(string Id, long Value);

/// <summary>A note that can be edited and deleted concurrently: conflicts and rejections happen.</summary>
[SyncEntity("note")]
public sealed record Note(string Id, string Text);

public static class SimMutators
{
    [Mutator("counter.add")]
    public static void Add(SimDb.Tx tx, string id, long amount)
    {
        var current = tx.Counters.Get(id) ?? new Counter(id, 0);
        tx.Counters.Put(current with { Value = current.Value + amount });
    }

    [Mutator("note.put")]
    public static void Put(SimDb.Tx tx, string id, string text) => tx.Notes.Put(new Note(id, text));

    /// <summary>Plain app code: a null reference (not a rejection) when another client deleted the note.</summary>
    [Mutator("note.shout")]
    public static void Shout(SimDb.Tx tx, string id) => tx.Notes.Put(tx.Notes.Get(id)! with { Text = tx.Notes.Get(id)!.Text.ToUpperInvariant() });

    [Mutator("note.edit")]
    public static void Edit(SimDb.Tx tx, string id, string text) => tx.Notes.Put(tx.Notes.GetRequired(id) with { Text = text });
}

[JsonSerializable(typeof(Counter))]
[JsonSerializable(typeof(Note))]
internal sealed partial class SimJson : JsonSerializerContext;

[SyncDatabase(typeof(SimJson))]
public sealed partial class SimDb;

using System.Text;
using System.Text.Json;
using ViewSync.Mutations;
using ViewSync.Persistence;

namespace ViewSync.Runtime.Tests.Persistence;

/// <summary>
/// The journal keeps one JSON writer for the queued-mutation records it appends (one per optimistic write). A kept
/// writer must write exactly the bytes a new one does, record after record in the same buffer: a record encoded any
/// other way would not replay, or would replay as another mutation.
/// </summary>
public sealed class QueuedRecordTests
{
    [Fact]
    public void A_kept_writer_writes_each_queued_record_byte_for_byte_as_a_new_writer_does()
    {
        var factory = new MutationFactory("0123456789abcdef", "_default", 0);
        using var parsed = JsonDocument.Parse("""{"id":"c1","n":1}""");
        using var escaped = JsonDocument.Parse("""{"id":"c2","text":"caf\u00e9 \"quoted\" <b>"}""");
        Mutation[] mutations =
        [
            factory.Create("counter.add", parsed.RootElement),
            factory.CreateTrusted("todo.create", Encoding.UTF8.GetBytes("""{"id":"t1","data":{"id":"t1","title":"Buy milk","done":false}}""")),
            factory.Create("note.set", escaped.RootElement),
        ];

        var kept = new ByteBuffer();
        using var json = new Utf8JsonWriter(kept);
        var fresh = new ByteBuffer();
        foreach (var mutation in mutations)
        {
            // One record per buffer, as ReplicaJournal appends them ...
            kept.Clear();
            JournalRecords.Queued(kept, json, mutation);
            fresh.Clear();
            JournalRecords.Queued(fresh, mutation);
            Assert.Equal(fresh.WrittenSpan.ToArray(), kept.WrittenSpan.ToArray());
        }

        // ... and one after another in the same buffer, where the kept writer must start at the buffer's end each time.
        kept.Clear();
        fresh.Clear();
        foreach (var mutation in mutations)
        {
            JournalRecords.Queued(kept, json, mutation);
            JournalRecords.Queued(fresh, mutation);
        }

        Assert.Equal(fresh.WrittenSpan.ToArray(), kept.WrittenSpan.ToArray());
        var offset = 0;
        foreach (var mutation in mutations)
        {
            Assert.True(JournalFrames.TryRead(kept.WrittenSpan, offset, out var payload, out var length, out _, out var error), error);
            // The payload is the record kind, then the mutation's persisted JSON.
            Assert.Equal((byte)JournalRecordKind.Queued, kept.WrittenSpan[payload]);
            var read = Mutation.FromUtf8Json(kept.WrittenSpan.Slice(payload + 1, length - 1), DateTimeOffset.UnixEpoch);
            Assert.Equal(mutation, read);
            offset = payload + length;
        }
    }
}

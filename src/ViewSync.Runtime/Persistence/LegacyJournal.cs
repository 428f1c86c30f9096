using System.Buffers.Binary;
using System.Text.Json;
using ViewSync.Mutations;

namespace ViewSync.Persistence;

/// <summary>
/// Reads a version 1 journal (ViewSync before the single journal): its client id, last sequence number and
/// pending mutations carry over. Its confirmed state lived in a separate store file, which is not read: the
/// cursor starts at 0 and the client takes a snapshot, so nothing the app queued is lost by an upgrade.
/// </summary>
/// <remarks>Version 1 frames are <c>length:u32 crc:u32 payload</c> with kinds Meta 1, Append 2, Remove 3, Cursor 4, Clear 5.</remarks>
internal static class LegacyJournal
{
    public const uint Version = 1;

    public static void Replay(ReadOnlySpan<byte> log, RecoveredJournal state)
    {
        var offset = JournalFrames.HeaderLength;
        while (log.Length - offset >= 8)
        {
            var length = BinaryPrimitives.ReadUInt32LittleEndian(log[offset..]);
            if (length == 0 || length > (uint)(log.Length - offset - 8))
            {
                return;
            }

            var payload = log.Slice(offset + 8, (int)length);
            if (Crc32C.Append(Crc32C.Compute(log.Slice(offset, 4)), payload) != BinaryPrimitives.ReadUInt32LittleEndian(log[(offset + 4)..]))
            {
                return;
            }

            try
            {
                Apply(payload, state);
            }
            catch (Exception e) when (e is InvalidDataException or JsonException or ArgumentException)
            {
                return;
            }

            offset += 8 + (int)length;
        }
    }

    private static void Apply(ReadOnlySpan<byte> payload, RecoveredJournal state)
    {
        var reader = new BinaryCursor(payload);
        switch (reader.ReadByte())
        {
            case 1:
                state.ClientId = reader.ReadString();
                state.LastSeq = Math.Max(state.LastSeq, reader.ReadUInt64());
                break;
            case 2:
                var mutation = Mutation.FromUtf8Json(reader.ReadRest(), DateTimeOffset.UnixEpoch);
                state.LastSeq = Math.Max(state.LastSeq, mutation.Seq);
                if (!state.Pending.Contains(mutation.Id))
                {
                    state.Pending.Push(mutation);
                }

                break;
            case 3:
                var count = reader.ReadCount();
                for (var i = 0; i < count; i++)
                {
                    state.Pending.Remove(reader.ReadString());
                }

                break;
            case 5:
                state.Pending.Clear();
                break;
        }
    }
}

using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using ViewSync.Mutations;
using ViewSync.Persistence;
using ViewSync.Store;

namespace ViewSync.Benchmarks.Journal.Baselines;

/// <summary>
/// The baseline rows: the persistence design this journal replaced (main at 598d210), emulated. Per page
/// with changes it copied the whole confirmed store under the reactive graph's lock, encoded it, and
/// rewrote and fsynced a whole store file under the one lock that every journal append also took; each
/// append wrote and fsynced its record. So a mutation reached the OS only after the store save in
/// progress. The replica it wraps is in memory: this class does the persisting, as the old sync loop did.
/// </summary>
internal sealed class WholeStoreRewrite : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1); // the old FilePersistence's instance lock
    private readonly string _directory;
    private readonly string _storePath;
    private readonly SafeFileHandle _journal;
    private readonly ArrayBufferWriter<byte> _record = new(4096);
    private long _journalLength;

    /// <summary>Creates <c>journal.vsj</c> and (on the first save) <c>store.vss</c> in <paramref name="directory"/>.</summary>
    public WholeStoreRewrite(string directory)
    {
        _directory = directory;
        _storePath = Path.Combine(directory, "store.vss");
        _journal = File.OpenHandle(Path.Combine(directory, "journal.vsj"), FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
    }

    /// <summary>Bytes of the last store file written.</summary>
    public long StoreBytes { get; private set; }

    /// <summary>The old <c>AppendAsync</c>: wait for the lock, write the mutation's record, fsync.</summary>
    public void AppendQueued(Mutation mutation)
    {
        var json = mutation.ToUtf8Json();
        _gate.Wait();
        try
        {
            WriteRecord(json);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The old pull step for one page, after the replica applied it in memory: <c>RemoveAsync(confirmed)</c>
    /// (a journal record + fsync), then <c>SaveStoreAsync(Replica.ConfirmedSnapshot(), cursor)</c>.
    /// </summary>
    public void SavePage(Replica replica, ulong cursor, IReadOnlyCollection<string> confirmed)
    {
        if (confirmed.Count > 0)
        {
            var ids = System.Text.Encoding.UTF8.GetBytes(string.Join('\n', confirmed));
            _gate.Wait();
            try
            {
                WriteRecord(ids);
            }
            finally
            {
                _gate.Release();
            }
        }

        // The old ConfirmedSnapshot copied every entity while holding the reactive graph's lock (UI reads wait).
        StoreSnapshot snapshot;
        using (ReactiveRuntime.Gate.EnterScope())
        {
            snapshot = replica.ConfirmedSnapshot();
        }

        var encoded = Encode(snapshot, cursor); // encoded before taking the lock, as SaveStoreAsync did
        _gate.Wait();
        try
        {
            var temp = _storePath + ".tmp";
            using (var file = File.OpenHandle(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                RandomAccess.Write(file, encoded.WrittenSpan, 0);
                RandomAccess.FlushToDisk(file);
            }

            File.Move(temp, _storePath, overwrite: true);
            _ = DirectoryFlush.Flush(_directory);
            StoreBytes = encoded.WrittenCount;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _journal.Dispose();
        _gate.Dispose();
    }

    /// <summary>Length-prefixed entity, id and JSON per row, like the old store file (without its checksum).</summary>
    private static ArrayBufferWriter<byte> Encode(StoreSnapshot snapshot, ulong cursor)
    {
        var output = new ArrayBufferWriter<byte>(1 << 16);
        BinaryPrimitives.WriteUInt64LittleEndian(output.GetSpan(8), cursor);
        output.Advance(8);
        foreach (var (entity, ids) in snapshot.Entities)
        {
            foreach (var (id, json) in ids)
            {
                WriteString(output, entity);
                WriteString(output, id);
                BinaryPrimitives.WriteInt32LittleEndian(output.GetSpan(4), json.Length);
                output.Advance(4);
                output.Write(json.Span);
            }
        }

        return output;
    }

    private static void WriteString(ArrayBufferWriter<byte> output, string value)
    {
        var length = System.Text.Encoding.UTF8.GetByteCount(value);
        BinaryPrimitives.WriteInt32LittleEndian(output.GetSpan(4), length);
        output.Advance(4);
        output.Advance(System.Text.Encoding.UTF8.GetBytes(value, output.GetSpan(length)));
    }

    private void WriteRecord(ReadOnlySpan<byte> payload)
    {
        _record.ResetWrittenCount();
        BinaryPrimitives.WriteInt32LittleEndian(_record.GetSpan(4), payload.Length);
        _record.Advance(4);
        _record.Write(payload);
        RandomAccess.Write(_journal, _record.WrittenSpan, _journalLength);
        RandomAccess.FlushToDisk(_journal);
        _journalLength += _record.WrittenCount;
    }
}

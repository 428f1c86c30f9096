using System.Text;
using ViewSync.Store;

namespace ViewSync.Runtime.Tests.Store;

public class LocalStoreTests
{
    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(ReadOnlyMemory<byte>? json) => json is { } bytes ? Encoding.UTF8.GetString(bytes.Span) : "<none>";

    [Fact]
    public void Set_get_and_delete_round_trip()
    {
        var store = new LocalStore();

        Assert.True(store.Set("todo", "a", Json("""{"title":"milk"}""")));
        Assert.Equal("""{"title":"milk"}""", Text(store.Get("todo", "a")));
        Assert.True(store.Contains("todo", "a"));
        Assert.Equal(1, store.Count("todo"));

        Assert.True(store.Delete("todo", "a"));
        Assert.False(store.Delete("todo", "a"));
        Assert.Null(store.Get("todo", "a"));
        Assert.Equal(0, store.Count("todo"));
        Assert.Empty(store.EntityNames);
    }

    [Fact]
    public void Ids_cannot_be_cast_back_and_written_and_stay_cached_until_membership_changes()
    {
        var store = new LocalStore();
        store.Set("todo", "b", Json("{}"));
        store.Set("todo", "a", Json("{}"));

        var ids = store.Ids("todo");

        Assert.IsNotType<string[]>(ids);
        var list = Assert.IsAssignableFrom<IList<string>>(ids);
        Assert.True(list.IsReadOnly);
        Assert.Throws<NotSupportedException>(() => list[0] = "zzz");
        Assert.Equal(["a", "b"], store.Ids("todo"));
        Assert.Same(ids, store.Ids("todo")); // still the cached list: no copy per call

        store.Set("todo", "c", Json("{}"));
        Assert.Equal(["a", "b", "c"], store.Ids("todo"));
        Assert.Equal(["a", "b"], ids); // a list handed out earlier is a snapshot
        Assert.Same(store.Ids("todo"), store.Ids("todo"));
    }

    [Fact]
    public void The_store_keeps_its_own_copy_of_written_bytes()
    {
        var store = new LocalStore();
        var bytes = Json("""{"n":1}""");
        store.Set("todo", "a", bytes);

        bytes[5] = (byte)'9';

        Assert.Equal("""{"n":1}""", Text(store.Get("todo", "a")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{} {}")]
    [InlineData("not json")]
    public void Invalid_json_is_refused_with_a_clear_error(string text)
    {
        var store = new LocalStore();

        var error = Assert.Throws<ArgumentException>(() => store.Set("todo", "a", Json(text)));

        Assert.Contains("one complete JSON value", error.Message, StringComparison.Ordinal);
        Assert.Null(store.Get("todo", "a"));
    }

    [Fact]
    public void Empty_names_and_ids_are_refused()
    {
        var store = new LocalStore();

        Assert.Throws<ArgumentException>(() => store.Set("", "a", Json("1")));
        Assert.Throws<ArgumentException>(() => store.Set("todo", "", Json("1")));
        Assert.Throws<ArgumentException>(() => store.Get("todo", null!));
    }

    [Fact]
    public void Revisions_increase_only_when_the_value_changes()
    {
        var store = new LocalStore();
        store.Set("todo", "a", Json("1"));
        store.TryGet("todo", "a", out StoreEntry first);

        store.Set("todo", "a", Json("1"));
        store.TryGet("todo", "a", out StoreEntry same);
        store.Set("todo", "a", Json("2"));
        store.TryGet("todo", "a", out StoreEntry changed);

        Assert.Equal(first.Revision, same.Revision);
        Assert.True(changed.Revision > first.Revision);
    }

    [Fact]
    public void Ids_and_entries_are_ordered_by_id()
    {
        var store = new LocalStore();
        store.Set("todo", "b", Json("2"));
        store.Set("todo", "a", Json("1"));
        store.Set("todo", "c", Json("3"));

        Assert.Equal(["a", "b", "c"], store.Ids("todo"));
        Assert.Equal(["1", "2", "3"], store.Entries("todo").Select(e => Text(e.Json)));
    }

    [Fact]
    public void A_snapshot_is_a_copy_that_later_writes_do_not_change()
    {
        var store = new LocalStore();
        store.Set("todo", "a", Json("1"));
        var snapshot = store.Snapshot();

        store.Set("todo", "a", Json("2"));
        store.Set("todo", "b", Json("3"));

        Assert.Equal(1, snapshot.Count);
        Assert.True(snapshot.TryGet("todo", "a", out var json));
        Assert.Equal("1", Text(json));
    }

    [Fact]
    public void Load_replaces_the_contents_and_copies_its_input()
    {
        var store = new LocalStore();
        store.Set("todo", "old", Json("0"));
        store.Set("list", "x", Json("0"));
        var source = Json("""{"v":1}""");
        var snapshot = new StoreSnapshot.Builder().Add("todo", "a", source).Build();
        source[0] = (byte)'[';

        var changed = store.Load(snapshot);

        Assert.Equal(3, changed);
        Assert.Equal(["a"], store.Ids("todo"));
        Assert.Empty(store.Ids("list"));
        Assert.Equal("""{"v":1}""", Text(store.Get("todo", "a")));
    }

    [Fact]
    public void Apply_validates_everything_before_changing_anything()
    {
        var store = new LocalStore();
        store.Set("todo", "a", Json("1"));

        Assert.Throws<ArgumentException>(() => store.Apply(
        [
            new EntityWrite("todo", "a", Json("2")),
            new EntityWrite("todo", "b", Json("{broken")),
        ]));

        Assert.Equal("1", Text(store.Get("todo", "a")));
        Assert.Null(store.Get("todo", "b"));
    }

    [Fact]
    public void Apply_deletes_entities_written_as_null()
    {
        var store = new LocalStore();
        store.Set("todo", "a", Json("1"));
        store.Set("todo", "b", Json("2"));

        var changed = store.Apply([new EntityWrite("todo", "a", null), new EntityWrite("todo", "c", Json("3")), new EntityWrite("todo", "zzz", null)]);

        Assert.Equal(2, changed);
        Assert.Equal(["b", "c"], store.Ids("todo"));
        Assert.False(store.Contains("todo", "a"));
    }

    [Fact]
    public void Clear_removes_everything()
    {
        var store = new LocalStore();
        store.Set("todo", "a", Json("1"));
        store.Set("list", "b", Json("2"));

        store.Clear();

        Assert.Empty(store.EntityNames);
        Assert.Equal(0, store.Snapshot().Count);
    }
}

using System.Text;
using ViewSync.Store;

namespace ViewSync.Runtime.Tests.Replicas;

/// <summary>
/// The confirmed state is a base map, frozen deltas and one mutable delta; compaction flattens an image off the
/// lock and the state adopts the result later. These tests hold it against a plain dictionary model through
/// every interleaving of writes, images, flattening and replacement that the replica can produce.
/// </summary>
public sealed class ConfirmedStateTests
{
    [Fact]
    public void An_image_keeps_its_contents_while_the_state_moves_on()
    {
        var state = new ConfirmedState();
        state.Apply([Put("todo", "a", 1), Put("todo", "b", 1)]);
        var image = state.Image;

        state.Apply([Put("todo", "a", 2), Delete("todo", "b"), Put("todo", "c", 1)]);

        Assert.Equal(Json(1), Read(image, "todo", "a"));
        Assert.Equal(Json(1), Read(image, "todo", "b"));
        Assert.Null(Read(image, "todo", "c"));
        Assert.Equal(Json(2), Read(state, "todo", "a"));
        Assert.Null(Read(state, "todo", "b"));
        Assert.Equal(["a", "c"], state.Ids("todo"));
    }

    [Fact]
    public void Adopting_a_flattened_image_keeps_the_changes_made_after_it()
    {
        var state = new ConfirmedState();
        state.Load(new ConfirmedImage(Map(("todo", "a", 1), ("todo", "b", 1))));
        state.Apply([Put("todo", "a", 2)]);
        var image = state.Image;
        state.Apply([Put("todo", "b", 3), Delete("todo", "a")]);

        var flat = image.Flatten(); // what compaction does, outside the lock
        state.Apply([Put("todo", "c", 4)]); // the next page adopts the flattened base

        Assert.Empty(flat.Deltas);
        Assert.Same(flat.Base, state.Image.Base);
        Assert.Null(Read(state, "todo", "a"));
        Assert.Equal(Json(3), Read(state, "todo", "b"));
        Assert.Equal(Json(4), Read(state, "todo", "c"));
        Assert.Equal(["b", "c"], state.Ids("todo"));
    }

    [Fact]
    public void A_flattened_image_is_not_adopted_after_a_snapshot_replaced_the_state()
    {
        var state = new ConfirmedState();
        state.Apply([Put("todo", "old", 1)]);
        var image = state.Image;
        state.Load(new ConfirmedImage(Map(("todo", "new", 2))));

        image.Flatten();
        state.Apply([Put("todo", "later", 3)]);

        Assert.Null(Read(state, "todo", "old"));
        Assert.Equal(["later", "new"], state.Ids("todo"));
    }

    [Fact]
    public void Ids_follow_additions_and_deletions_in_ordinal_order()
    {
        var state = new ConfirmedState();
        state.Load(new ConfirmedImage(Map(("todo", "b", 1), ("todo", "B", 1))));
        Assert.Equal(["B", "b"], state.Ids("todo"));

        state.Apply([Put("todo", "a", 1)]);
        Assert.Equal(["B", "a", "b"], state.Ids("todo"));
        state.Apply([Put("todo", "a", 2)]); // a new value, same membership
        Assert.Equal(["B", "a", "b"], state.Ids("todo"));
        state.Apply([Delete("todo", "B")]);
        Assert.Equal(["a", "b"], state.Ids("todo"));
        Assert.Empty(state.Ids("list"));
    }

    [Fact]
    public void Random_writes_images_flattening_and_loads_match_a_plain_dictionary()
    {
        var random = new Random(20261204);
        for (var run = 0; run < 40; run++)
        {
            var state = new ConfirmedState();
            var model = new Dictionary<(string, string), int>();
            var images = new List<(ConfirmedImage Image, Dictionary<(string, string), int> Model)>();
            for (var step = 0; step < 300; step++)
            {
                switch (random.Next(12))
                {
                    case 0:
                        // Many images without a flatten: the deltas are folded into one.
                        images.Add((state.Image, new Dictionary<(string, string), int>(model)));
                        break;
                    case 1 when images.Count > 0:
                        images[random.Next(images.Count)].Image.Flatten();
                        break;
                    case 2 when random.Next(8) == 0:
                        var loaded = RandomEntities(random);
                        state.Load(new ConfirmedImage(Map([.. loaded.Select(e => (e.Key.Item1, e.Key.Item2, e.Value))])));
                        model = loaded;
                        break;
                    default:
                        var writes = new List<EntityWrite>();
                        for (var w = random.Next(1, 6); w > 0; w--)
                        {
                            var key = (random.Next(3) == 0 ? "list" : "todo", $"id{random.Next(20)}");
                            if (random.Next(3) == 0)
                            {
                                writes.Add(Delete(key.Item1, key.Item2));
                                model.Remove(key);
                            }
                            else
                            {
                                var value = random.Next(1000);
                                writes.Add(Put(key.Item1, key.Item2, value));
                                model[key] = value;
                            }
                        }

                        state.Apply(writes);
                        break;
                }

                AssertMatches(model, state);
            }

            foreach (var (image, expected) in images)
            {
                AssertMatches(expected, image);
                AssertMatches(expected, image.Flatten());
            }
        }
    }

    private static void AssertMatches(Dictionary<(string, string), int> model, ConfirmedState state)
    {
        foreach (var entity in new[] { "todo", "list" })
        {
            var expected = model.Keys.Where(k => k.Item1 == entity).Select(k => k.Item2).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(expected, state.Ids(entity));
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal(model.TryGetValue((entity, $"id{i}"), out var value) ? Json(value) : null, Read(state, entity, $"id{i}"));
            }
        }

        var entries = state.Entries().Select(e => ((e.Entity, e.Id), Encoding.UTF8.GetString(e.Json.Span))).ToList();
        Assert.Equal(model.Count, entries.Count);
        Assert.All(entries, e => Assert.Equal(Json(model[e.Item1]), e.Item2));
    }

    private static void AssertMatches(Dictionary<(string, string), int> model, ConfirmedImage image)
    {
        foreach (var ((entity, id), value) in model)
        {
            Assert.Equal(Json(value), Read(image, entity, id));
        }

        Assert.Equal(model.Count, image.Flatten().Base.Sum(t => t.Value.Count));
    }

    private static Dictionary<(string, string), int> RandomEntities(Random random)
    {
        var entities = new Dictionary<(string, string), int>();
        for (var i = random.Next(15); i > 0; i--)
        {
            entities[(random.Next(2) == 0 ? "list" : "todo", $"id{random.Next(20)}")] = random.Next(1000);
        }

        return entities;
    }

    private static Dictionary<string, Dictionary<string, ReadOnlyMemory<byte>>> Map(params (string Entity, string Id, int Value)[] rows)
    {
        var map = new Dictionary<string, Dictionary<string, ReadOnlyMemory<byte>>>(StringComparer.Ordinal);
        foreach (var (entity, id, value) in rows)
        {
            if (!map.TryGetValue(entity, out var ids))
            {
                map[entity] = ids = new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal);
            }

            ids[id] = Encoding.UTF8.GetBytes(Json(value));
        }

        return map;
    }

    private static EntityWrite Put(string entity, string id, int value) => new(entity, id, Encoding.UTF8.GetBytes(Json(value)));

    private static EntityWrite Delete(string entity, string id) => new(entity, id, null);

    private static string Json(int value) => $"{{\"v\":{value}}}";

    private static string? Read(ConfirmedState state, string entity, string id) =>
        state.TryGet(entity, id, out var json) ? Encoding.UTF8.GetString(json.Span) : null;

    private static string? Read(ConfirmedImage image, string entity, string id) =>
        image.TryGet(entity, id, out var json) ? Encoding.UTF8.GetString(json.Span) : null;
}

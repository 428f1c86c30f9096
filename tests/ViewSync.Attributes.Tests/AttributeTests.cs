using System.Reflection;

namespace ViewSync.Attributes.Tests;

public class AttributeTests
{
    [Fact]
    public void SyncEntity_defaults_key_to_Id_and_leaves_collection_name_to_the_generator()
    {
        var attribute = new SyncEntityAttribute("todo");

        Assert.Equal("todo", attribute.Name);
        Assert.Equal("Id", attribute.Key);
        Assert.Null(attribute.CollectionName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Blank_names_are_refused_with_an_actionable_message(string? name)
    {
        var entity = Assert.Throws<ArgumentException>(() => new SyncEntityAttribute(name!));
        Assert.Contains("\"todo\"", entity.Message, StringComparison.Ordinal);

        var mutator = Assert.Throws<ArgumentException>(() => new MutatorAttribute(name!));
        Assert.Contains("\"todo.toggle\"", mutator.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SyncDatabase_requires_a_json_context_type()
    {
        Assert.Throws<ArgumentNullException>(() => new SyncDatabaseAttribute(null!));
        Assert.Equal(typeof(string), new SyncDatabaseAttribute(typeof(string)).JsonContext);
    }

    [Theory]
    [InlineData(typeof(SyncEntityAttribute), AttributeTargets.Class)]
    [InlineData(typeof(SyncDatabaseAttribute), AttributeTargets.Class)]
    [InlineData(typeof(MutatorAttribute), AttributeTargets.Method)]
    public void Attributes_apply_once_to_the_right_targets(Type type, AttributeTargets targets)
    {
        var usage = type.GetCustomAttribute<AttributeUsageAttribute>()!;

        Assert.Equal(targets, usage.ValidOn);
        Assert.False(usage.AllowMultiple);
    }
}

using ViewSync.Generators.Helpers;

namespace ViewSync.Generators.Tests;

public class PluralizerTests
{
    [Theory]
    [InlineData("Todo", "Todos")]
    [InlineData("Category", "Categories")]
    [InlineData("Status", "Statuses")]
    [InlineData("Box", "Boxes")]
    [InlineData("Match", "Matches")]
    [InlineData("Wish", "Wishes")]
    [InlineData("Day", "Days")]
    [InlineData("Person", "People")]
    [InlineData("Child", "Children")]
    [InlineData("Knife", "Knives")]
    [InlineData("Series", "Series")]
    [InlineData("TodoItem", "TodoItems")]
    [InlineData("UserStatus", "UserStatuses")]
    [InlineData("ProductCategory", "ProductCategories")]
    [InlineData("SalesPerson", "SalesPeople")]
    public void Collection_names_are_english_plurals(string type, string expected) =>
        Assert.Equal(expected, Pluralizer.Pluralize(type));
}

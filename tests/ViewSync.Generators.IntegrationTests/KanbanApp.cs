namespace ViewSync.Generators.IntegrationTests;

/// <summary>
/// The fresh app of the package test: a Kanban board as a new user writes it, with two entities, a nested
/// record, an enum, lists, dates, nullable members and mutators taking a nullable enum, a nullable record
/// and a nullable list; warnings are errors and it is published with Native AOT.
/// </summary>
internal static class KanbanApp
{
    public static IEnumerable<(string Name, string Text)> Files =>
    [
        ("KanbanApp.csproj", Project),
        ("Model.cs", Model),
        ("Program.cs", Program),
    ];

    private const string Project = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
            <PublishAot>true</PublishAot>
            <InvariantGlobalization>true</InvariantGlobalization>
            <JsonSerializerIsReflectionEnabledByDefault>false</JsonSerializerIsReflectionEnabledByDefault>
            <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="ViewSync" Version="0.1.0" />
          </ItemGroup>
        </Project>
        """;

    private const string Model = """
        using System.Text.Json;
        using System.Text.Json.Serialization;
        using ViewSync;
        using ViewSync.Mutators;

        namespace Kanban;

        public enum Column { Todo, Doing, Done }

        public sealed record CardBody(string Text, IReadOnlyList<string> Checklist);

        [SyncEntity("board")]
        public sealed record Board(string Id, string Name, IReadOnlyList<string> Labels, string? Description);

        [SyncEntity("card")]
        public sealed record Card(string Id, string BoardId, string Title, Column Column, CardBody? Body, IReadOnlyList<string> Tags, DateTimeOffset Created, DateTimeOffset? Moved);

        public static class KanbanMutators
        {
            [Mutator("card.add")]
            public static void AddCard(KanbanDb.Tx tx, string id, string boardId, string title, DateTimeOffset now, Column? column, CardBody? body, List<string>? tags)
            {
                if (!tx.Boards.Exists(boardId))
                {
                    throw MutationRejectedException.Invalid($"Board '{boardId}' does not exist.");
                }

                tx.Cards.Put(new Card(id, boardId, title, column ?? Column.Todo, body, tags ?? [], now, null));
            }

            [Mutator("card.move")]
            public static void Move(KanbanDb.Tx tx, string id, Column? column, DateTimeOffset now)
            {
                var card = tx.Cards.GetRequired(id);
                tx.Cards.Put(card with { Column = column ?? card.Column, Moved = now });
            }

            [Mutator("card.edit")]
            public static void Edit(KanbanDb.Tx tx, string id, CardBody? body = null, List<string>? tags = null, Column? column = Column.Doing, double weight = double.NaN, char marker = '\n')
            {
                var card = tx.Cards.GetRequired(id);
                var title = double.IsNaN(weight) && marker == '\n' ? card.Title : $"{card.Title} {marker}{weight}";
                tx.Cards.Put(card with { Title = title, Body = body ?? card.Body, Tags = tags ?? card.Tags, Column = column ?? card.Column });
            }
        }

        [JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
        [JsonSerializable(typeof(Board))]
        [JsonSerializable(typeof(Card))]
        [JsonSerializable(typeof(List<string>))]
        [JsonSerializable(typeof(char))]
        internal partial class KanbanJson : JsonSerializerContext;

        [SyncDatabase(typeof(KanbanJson))]
        public partial class KanbanDb;
        """;

    private const string Program = """
        using System.Globalization;
        using System.Text.Json;
        using Kanban;
        using ViewSync;
        using ViewSync.Mutators;

        var db = new KanbanDb();
        var now = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        using var view = new Effect(() => Console.WriteLine($"cards: {db.Cards.Count()}"));

        db.Boards.Create(new Board("b1", "Roadmap", ["ideas", "later"], null));
        db.Mutate.AddCard("c1", "b1", "Write docs", now, null, new CardBody("Intro", ["outline", "draft"]), ["docs"]);
        db.Mutate.AddCard("c2", "b1", "Ship", now, Column.Todo, null, null);
        db.Mutate.Move("c1", Column.Done, now.AddHours(1));
        db.Mutate.Edit("c1", tags: ["docs", "v1"]);   // column defaults to Doing; body stays
        db.Mutate.Edit("c2", column: null);            // a null enum keeps the column

        foreach (var card in db.Cards.All())
        {
            var body = card.Body is { } b ? $"{b.Text} [{string.Join(", ", b.Checklist)}]" : "no body";
            var tags = card.Tags.Count > 0 ? string.Join(", ", card.Tags) : "no tags";
            var moved = card.Moved is { } m ? "moved " + m.ToString("O", CultureInfo.InvariantCulture) : "not moved";
            Console.WriteLine($"{card.Id} | {card.Title} | {card.Column} | {body} | {tags} | created {card.Created.ToString("O", CultureInfo.InvariantCulture)} | {moved}");
        }

        Console.WriteLine("json: " + JsonSerializer.Serialize(db.Cards.Get("c1").Get()!, KanbanJson.Default.Card));
        var board = db.Boards.Get("b1").Get()!;
        Console.WriteLine($"board {board.Id}: {board.Name} ({string.Join(", ", board.Labels)}) {board.Description ?? "no description"}, {db.Cards.Find(c => c.BoardId == board.Id).Count} cards");

        try
        {
            db.Mutate.AddCard("c3", "nope", "Lost", now, null, null, null);
        }
        catch (MutationRejectedException e)
        {
            Console.WriteLine($"rejected: {e.Code}");
        }
        """;
}

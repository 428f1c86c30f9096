using ViewSync.Server.Storage;
using ViewSync.Server.Tests.Contract;

namespace ViewSync.Server.PostgreSql.Tests;

[Collection(PostgresTests.Name)]
public sealed class PostgreSqlStorageContractTests(PostgresFixture postgres) : StorageContractTests
{
    private readonly string _schema = PostgresFixture.NewSchema();

    protected override async Task<ISyncStorage> OpenAsync() => await postgres.OpenAsync(_schema, listen: false);
}

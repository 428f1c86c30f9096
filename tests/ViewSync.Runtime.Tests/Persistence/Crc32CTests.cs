using System.Text;
using ViewSync.Persistence;

namespace ViewSync.Runtime.Tests.Persistence;

public class Crc32CTests
{
    [Fact]
    public void Matches_the_standard_check_value()
    {
        // The CRC-32C check value from the CRC catalogue.
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    [Fact]
    public void Appending_equals_computing_the_concatenation()
    {
        var data = Encoding.UTF8.GetBytes("The quick brown fox jumps over the lazy dog, more than once.");
        for (var split = 0; split <= data.Length; split++)
        {
            Assert.Equal(Crc32C.Compute(data), Crc32C.Append(Crc32C.Compute(data.AsSpan(0, split)), data.AsSpan(split)));
        }
    }
}

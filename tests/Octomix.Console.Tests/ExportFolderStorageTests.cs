using Octomix.Desk.Export;
using Octomix.Hal;

namespace Octomix.Console.Tests;

public class ExportFolderStorageTests
{
    [Fact]
    public void BehavesLikeTheCardForTheBwfWriter()
    {
        string root = Path.Combine(ExportToolRunner.TempDirectory(), "card");
        var storage = new FolderStorage(root);
        Assert.True(storage.Mount());
        Assert.True(storage.IsMounted);
        Assert.True(storage.FreeBytes > 0);
        Assert.Empty(storage.ListFiles("takes"));

        storage.CreateDirectory("takes/day1");
        using (var file = storage.Open("takes/day1/a.wav", FileOpenMode.Create))
        {
            file.Write([1, 2, 3, 4, 5, 6], 1, 4);
            Assert.Equal(4, file.Length);
            file.Position = 1;
            file.Write([9], 0, 1);
            file.Flush();
            file.Position = 0;
            var back = new byte[8];
            Assert.Equal(4, file.Read(back, 0, 8));
            Assert.Equal(new byte[] { 2, 9, 4, 5 }, back[..4]);
        }

        Assert.Equal(new byte[] { 2, 9, 4, 5 }, File.ReadAllBytes(Path.Combine(root, "takes", "day1", "a.wav")));
        Assert.True(storage.Exists("takes/day1/a.wav"));
        Assert.False(storage.Exists("takes/day1"));
        Assert.Equal(["a.wav"], storage.ListFiles("takes/day1"));

        using (var file = storage.Open("takes/day1/a.wav", FileOpenMode.OpenReadWrite))
        {
            file.Position = file.Length;
            file.Write([7], 0, 1);
        }

        using (var file = storage.Open("takes/day1/a.wav", FileOpenMode.OpenRead))
        {
            Assert.Equal(5, file.Length);
            Assert.ThrowsAny<NotSupportedException>(() => file.Write([1], 0, 1));
        }

        storage.Delete("takes/day1/a.wav");
        storage.Delete("takes/day1/a.wav"); // like FatFs via the HAL: deleting what is gone is no error
        Assert.False(storage.Exists("takes/day1/a.wav"));
    }

    [Theory]
    [InlineData("../outside.wav")]
    [InlineData("takes/../../outside.wav")]
    [InlineData("/etc/passwd")]
    [InlineData("takes\\a.wav")]
    [InlineData("./a.wav")]
    public void PathsCannotLeaveTheFolder(string path)
    {
        var storage = new FolderStorage(ExportToolRunner.TempDirectory());
        Assert.Throws<ArgumentException>(() => storage.Open(path, FileOpenMode.Create));
        Assert.Throws<ArgumentException>(() => storage.Exists(path));
    }

    [Fact]
    public void FailuresAreIOExceptions()
    {
        string root = ExportToolRunner.TempDirectory();
        var storage = new FolderStorage(root);
        Assert.ThrowsAny<IOException>(() => storage.Open("missing.wav", FileOpenMode.OpenRead));
        Assert.ThrowsAny<IOException>(() => storage.Open("missing.wav", FileOpenMode.OpenReadWrite));
        Directory.CreateDirectory(Path.Combine(root, "dir.wav"));
        var error = Assert.ThrowsAny<IOException>(() => storage.Open("dir.wav", FileOpenMode.Create)); // the OS says "access denied"
        Assert.Contains("dir.wav", error.Message);
    }
}

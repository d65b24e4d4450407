using System;
using System.IO;
using Octomix.Hal;

namespace BwfSample
{
    /// <summary>IStorage over nanoFramework's FileStream on a mounted drive ("D:\" = the SD card).</summary>
    public sealed class FileStorage : IStorage
    {
        private readonly string _root;

        public FileStorage(string root) { _root = root; }

        public bool IsMounted { get { return Directory.Exists(_root); } }
        public bool Mount() { return IsMounted; }
        public long FreeBytes { get { return -1; } } // nanoFramework's DriveInfo has no free-space figure
        public bool Exists(string path) { return File.Exists(Map(path)); }
        public void Delete(string path) { File.Delete(Map(path)); }
        public void CreateDirectory(string path) { Directory.CreateDirectory(Map(path)); }

        public string[] ListFiles(string directory)
        {
            string dir = Map(directory);
            if (!Directory.Exists(dir)) return new string[0];
            string[] files = Directory.GetFiles(dir);
            for (int i = 0; i < files.Length; i++) files[i] = files[i].Substring(files[i].LastIndexOf('\\') + 1);
            return files;
        }

        public IStorageFile Open(string path, FileOpenMode mode)
        {
            FileMode fm = mode == FileOpenMode.Create ? FileMode.Create : FileMode.Open;
            FileAccess fa = mode == FileOpenMode.OpenRead ? FileAccess.Read : FileAccess.ReadWrite;
            return new StorageFile(new FileStream(Map(path), fm, fa));
        }

        private string Map(string path)
        {
            char[] c = path.ToCharArray();
            for (int i = 0; i < c.Length; i++) if (c[i] == '/') c[i] = '\\';
            return _root + new string(c);
        }

        private sealed class StorageFile : IStorageFile
        {
            private readonly FileStream _stream;
            public StorageFile(FileStream stream) { _stream = stream; }
            public long Length { get { return _stream.Length; } }
            public long Position { get { return _stream.Position; } set { _stream.Position = value; } }
            public void Write(byte[] buffer, int offset, int count) { _stream.Write(buffer, offset, count); }
            public int Read(byte[] buffer, int offset, int count) { return _stream.Read(buffer, offset, count); }
            public void Flush() { _stream.Flush(); }
            public void Dispose() { _stream.Dispose(); }
        }
    }
}

using System.Collections;

namespace Octomix.Box
{
    /// <summary>One complaint about the settings file: where (line, key) and what, in words.</summary>
    public sealed class SettingsProblem
    {
        public SettingsProblem(int line, string key, string message, bool fatal)
        {
            Line = line;
            Key = key ?? string.Empty;
            Message = message;
            Fatal = fatal;
        }

        /// <summary>1-based line number, 0 when the problem is not on a line (missing file, missing key).</summary>
        public int Line { get; }

        public string Key { get; }

        public string Message { get; }

        /// <summary>True when the box cannot run with what it has (it stays in the Error state).</summary>
        public bool Fatal { get; }

        public override string ToString()
        {
            string where = Line > 0 ? BoxSettingsText.Where(Line, Key) : (Key.Length > 0 ? "'" + Key + "'" : "settings");
            return (Fatal ? "settings error, " : "settings warning, ") + where + ": " + Message;
        }
    }

    /// <summary>The outcome of reading the settings: every problem found, in file order.</summary>
    public sealed class SettingsReport
    {
        private readonly ArrayList problems = new ArrayList();

        public int Count
        {
            get { return problems.Count; }
        }

        public SettingsProblem this[int index]
        {
            get { return (SettingsProblem)problems[index]; }
        }

        /// <summary>True when the file was found and read.</summary>
        public bool FileFound { get; set; }

        public bool HasFatal
        {
            get
            {
                for (int i = 0; i < problems.Count; i++)
                {
                    if (((SettingsProblem)problems[i]).Fatal)
                    {
                        return true;
                    }
                }

                return false;
            }
        }

        /// <summary>The first fatal problem, else the first problem, else null.</summary>
        public SettingsProblem First
        {
            get
            {
                for (int i = 0; i < problems.Count; i++)
                {
                    if (((SettingsProblem)problems[i]).Fatal)
                    {
                        return (SettingsProblem)problems[i];
                    }
                }

                return problems.Count > 0 ? (SettingsProblem)problems[0] : null;
            }
        }

        public void Add(SettingsProblem problem)
        {
            problems.Add(problem);
        }
    }

    internal static class BoxSettingsText
    {
        public static string Where(int line, string key)
        {
            return "line " + line + (key != null && key.Length > 0 ? " ('" + key + "')" : string.Empty);
        }
    }
}

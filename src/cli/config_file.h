// --config FILE and --print-config: CLI11's config hook with toml++ as the reader.
// CLI11 2.1's own TOML support splits values at commas and '#', which breaks JSON and
// gst-launch fragments, so roompeer reads the file with toml++ through the same hook, and
// holds it to a flat list of `key = value` (no tables, no nested arrays).
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace rp {

class ConfigFile : public CLI::Config {
  public:
    // Masks a value for printing: (key, value) -> what to print.
    using Redactor = std::function<std::string(const std::string&, const std::string&)>;

    ConfigFile(const CLI::App& app, Redactor redact) : app_(app), redact_(std::move(redact)) {}

    // Throws CLI::ConfigError naming the file and line: that is CLI11's contract for a hook.
    std::vector<CLI::ConfigItem> from_config(std::istream& input) const override;
    std::string to_config(const CLI::App* app, bool default_also, bool write_description,
                          std::string prefix) const override;

    // Values to print instead of what CLI11 holds (computed defaults, counted flags), by key.
    void set_effective(const std::string& key, std::vector<std::string> values) {
        effective_[key] = std::move(values);
    }
    // The file's line for `key` when the file's value is in force (no flag overrode it), else 0.
    int line_of(const std::string& key) const;
    const std::string& path() const { return path_; }

  private:
    const CLI::App& app_;
    Redactor redact_;
    std::map<std::string, std::vector<std::string>> effective_;
    mutable std::string path_;
    mutable std::map<std::string, int> from_file_;
};

}  // namespace rp

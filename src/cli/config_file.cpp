#include "cli/config_file.h"

#include "cli/toml.h"

#include <iterator>
#include <sstream>

namespace rp {

namespace {

// What the option holds now, as strings; empty when neither given nor defaulted.
std::vector<std::string> current_values(const CLI::Option* opt) {
    if (opt->count() > 0) {
        return opt->results();
    }
    if (!opt->get_default_str().empty()) return {opt->get_default_str()};
    if (opt->get_expected_min() == 0) return {"false"};
    return {};
}

bool is_list(const CLI::Option* opt) {
    return opt->get_items_expected_max() > 1;
}

}  // namespace

std::vector<CLI::ConfigItem> ConfigFile::from_config(std::istream& input) const {
    if (const CLI::Option* c = app_.get_config_ptr(); c && c->count() > 0)
        path_ = c->as<std::string>();
    std::string text{std::istreambuf_iterator<char>(input), std::istreambuf_iterator<char>()};
    std::vector<toml::Entry> entries;
    std::string err;
    if (!toml::parse(text, entries, &err)) throw CLI::ConfigError(path_ + ": " + err);

    std::vector<CLI::ConfigItem> items;
    from_file_.clear();
    for (const auto& e : entries) {
        std::string where = path_ + ": line " + std::to_string(e.line) + ": ";
        const CLI::Option* opt =
            e.key.size() > 1 ? app_.get_option_no_throw("--" + e.key) : nullptr;
        if (!opt)
            throw CLI::ConfigError(where + "unknown key '" + e.key +
                                   "' (keys are the long option names without --, see --help)");
        if (!opt->get_configurable())
            throw CLI::ConfigError(where + "'" + e.key + "' cannot be set in a config file");
        if (e.array && !is_list(opt))
            throw CLI::ConfigError(where + "'" + e.key + "' takes one value, not an array");
        // Flags on the command line were parsed before this file: theirs is the value in force.
        if (opt->count() == 0) from_file_[e.key] = e.line;
        CLI::ConfigItem item;
        item.name = e.key;
        item.inputs = e.values;
        items.push_back(std::move(item));
    }
    return items;
}

int ConfigFile::line_of(const std::string& key) const {
    auto it = from_file_.find(key);
    return it == from_file_.end() ? 0 : it->second;
}

std::string ConfigFile::to_config(const CLI::App* app, bool, bool, std::string) const {
    std::ostringstream out;
    out << "# " << app->get_name()
        << " configuration (--print-config): read it back with --config FILE.\n"
           "# Keys are the long option names; options given as flags override the file.\n"
           "# Secrets are shown as ***.\n";
    for (const auto& group : app->get_groups()) {
        bool header = false;
        for (const CLI::Option* opt : app->get_options()) {
            if (opt->get_group() != group || !opt->get_configurable() || opt->get_lnames().empty())
                continue;
            if (!header) {
                out << "\n# " << group << "\n";
                header = true;
            }
            const std::string& key = opt->get_lnames().front();
            std::vector<std::string> values = current_values(opt);
            if (auto it = effective_.find(key); it != effective_.end()) values = it->second;
            if (values.empty()) {
                out << "# " << key << " = (not set)\n";
                continue;
            }
            for (auto& v : values) v = toml::value(redact_ ? redact_(key, v) : v);
            out << key << " = ";
            if (is_list(opt)) {
                out << "[";
                for (size_t i = 0; i < values.size(); ++i) out << (i ? ", " : "") << values[i];
                out << "]\n";
            } else {
                out << values.back() << "\n";
            }
        }
    }
    return out.str();
}

}  // namespace rp

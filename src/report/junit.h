// --junit FILE: the run as JUnit XML (the Jenkins/Surefire format GitLab, Jenkins and GitHub
// test reporters read): one <testsuite> for the room, one <testcase> per run-level check and
// per connected peer and --expect. Every text is escaped and made valid XML 1.0 (peer ids and
// names are whatever the room server and members sent). Pure.
#pragma once

#include "report/report.h"

#include <string>
#include <vector>

namespace rp {

struct JunitCase {
    std::string classname;
    std::string name;
    std::vector<std::string> failures;  // empty: passed; else the first is the message
    std::string detail;                 // the failure's text; empty: every failure, a line each
    std::string output;                 // <system-out>, when not empty (e.g. a passing value)
};

struct JunitSuite {
    std::string name;
    double unix_time_s = 0;  // when the run started, for timestamp=
    double duration_s = 0;
    std::vector<std::pair<std::string, std::string>> properties;
    std::vector<JunitCase> cases;
};

// The suite of a finished run: properties room, self_id and server (its password masked), a
// case per run check (check_expectations' pieces) and per expectation result.
JunitSuite junit_suite(const RunResult& run, const std::vector<RunCheck>& checks,
                       const std::vector<ExpectationResult>& expectations);

// <?xml ...?><testsuites><testsuite ...>...</testsuite></testsuites>
std::string junit_xml(const JunitSuite& suite);

// s as XML 1.0 character data or attribute value: & < > " ' escaped, tab, CR and LF kept
// (as character references in attributes), other control characters and invalid UTF-8 as
// U+FFFD.
std::string xml_escape(const std::string& s, bool attribute);

}  // namespace rp

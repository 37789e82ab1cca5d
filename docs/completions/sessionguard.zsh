#compdef sessionguard

__sessionguard_complete() {
    local -ar non_empty_completions=("${@:#(|:*)}")
    local -ar empty_completions=("${(M)@:#(|:*)}")
    _describe -V '' non_empty_completions -- empty_completions -P $'\'\''
}

__sessionguard_custom_complete() {
    local -a completions
    completions=("${(@f)"$("${command_name}" "${@}" "${command_line[@]}")"}")
    if [[ "${#completions[@]}" -gt 1 ]]; then
        __sessionguard_complete "${completions[@]:0:-1}"
    fi
}

__sessionguard_cursor_index_in_current_word() {
    if [[ -z "${QIPREFIX}${IPREFIX}${PREFIX}" ]]; then
        printf 0
    else
        printf %s "${#${(z)LBUFFER}[-1]}"
    fi
}

_sessionguard() {
    emulate -RL zsh -G
    setopt extendedglob nullglob numericglobsort
    unsetopt aliases banghist

    local -xr SAP_SHELL=zsh
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(builtin emulate zsh -c 'printf %s "${ZSH_VERSION}"')"
    local -r SAP_SHELL_VERSION

    local context state state_descr line
    local -A opt_args

    local -r command_name="${words[1]}"
    local -ar command_line=("${words[@]}")
    local -ir current_word_index="$((CURRENT - 1))"

    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'analyze:Read Odoo logs, rebuild sessions, judge them with the rules and store recommendations.'
            'ingest:Read Odoo logs into the store (parse, rebuild sessions, place addresses) without judging them.'
            'detect:Judge the sessions changed since the last detect (and every session still alive) with the rules.'
            'recommendations:List, show, approve and dismiss recommendations.'
            'revoke:End the sessions of approved recommendations as Odoo'\''s Revoke button does: plan by default, act with --apply.'
            'explain:Show a finding, a recommendation or a session with its facts and the log lines behind it.'
            'runs:Show the run history: when each run happened, on which host, and what it read and found.'
            'report:Write the analyst'\''s reports again from the store, without reading any log.'
            'sessions:List stored sessions, newest activity first.'
            'geoip:Show what the GeoIP databases say about addresses.'
            'rules:Work with rule files.'
            'config:Check a configuration.'
            'help:Show subcommand help information.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        analyze|ingest|detect|recommendations|revoke|explain|runs|report|sessions|geoip|rules|config|help)
            "_sessionguard_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_sessionguard_analyze() {
    local -i ret=1
    local -ar arg_specs=(
        '*:logs:'
        '--format[Input format of every log\: auto (each file'\''s is sniffed from its first lines), odoo, odoo-syslog, nginx (combined, with or without sid=), or a format file'\''s name (default\: the configuration'\''s format, else auto).]:format:'
        '*--format-file[A YAML file describing another log format (a PCRE2 pattern with named groups and sample lines; repeatable; default\: the configuration'\''s formats).]:format-file:'
        '--timezone[Time zone of syslog times (odoo-syslog) and of access-log times without an offset, e.g. Europe/Brussels (default\: the configuration'\''s timezone, else this machine'\''s).]:timezone:'
        '--config[Configuration file (default\: ./sessionguard.yml if present).]:config:'
        '--geoip[MaxMind City database, or '\''none'\'' to run without locations (default\: /usr/share/GeoIP/GeoLite2-City.mmdb).]:geoip:'
        '--geoip-asn[MaxMind ASN database (optional; default\: /usr/share/GeoIP/GeoLite2-ASN.mmdb if present).]:geoip-asn:'
        '--rules[Rules directory (default\: ./Rules).]:rules:'
        '--store[Session store\: sqlite\:PATH, or postgres\://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default\: the configuration'\''s, else sqlite\:./sessionguard.sqlite).]:store:'
        '--report[Directory to write the reports into\: report.json, and after a judging run report.html, summary.md, findings.csv, recommendations.csv, sessions.csv (default\: the configuration'\''s report).]:report:'
        '--json[Print the report document (JSON) on standard output instead of the summary.]'
        '--now[Evaluation time for idle and long-session checks (ISO 8601, UTC), for reproducible runs.]:now:'
        '--fail-on[Exit 1 when a recommendation has at least this severity (info, low, medium, high, critical).]:fail-on:'
        '--quiet[Print nothing but errors.]'
        '--metrics[Write Prometheus metrics (node-exporter textfile format) to this file, also when the run fails.]:metrics:'
        '*--device-log[Odoo'\''s res_device_log exported as CSV, as DB=FILE (repeatable)\: devices, addresses and revocations merge with the logs'\'' sessions.]:device-log:'
        '*--odoo-db[Odoo'\''s database, as postgres\://… or DB=postgres\://… when the logs name it differently (repeatable)\: its res_device_log and res_users merge with the logs'\'' sessions (default\: the configuration'\''s odoo_db).]:odoo-db:'
        '--session-files[Odoo'\''s sessions directory (<data_dir>/sessions), read as an input\: live sessions without log lines are judged too.]:session-files:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_sessionguard_ingest() {
    local -i ret=1
    local -ar arg_specs=(
        '*:logs:'
        '--format[Input format of every log\: auto (each file'\''s is sniffed from its first lines), odoo, odoo-syslog, nginx (combined, with or without sid=), or a format file'\''s name (default\: the configuration'\''s format, else auto).]:format:'
        '*--format-file[A YAML file describing another log format (a PCRE2 pattern with named groups and sample lines; repeatable; default\: the configuration'\''s formats).]:format-file:'
        '--timezone[Time zone of syslog times (odoo-syslog) and of access-log times without an offset, e.g. Europe/Brussels (default\: the configuration'\''s timezone, else this machine'\''s).]:timezone:'
        '--config[Configuration file (default\: ./sessionguard.yml if present).]:config:'
        '--geoip[MaxMind City database, or '\''none'\'' to run without locations (default\: /usr/share/GeoIP/GeoLite2-City.mmdb).]:geoip:'
        '--geoip-asn[MaxMind ASN database (optional; default\: /usr/share/GeoIP/GeoLite2-ASN.mmdb if present).]:geoip-asn:'
        '--rules[Rules directory (default\: ./Rules).]:rules:'
        '--store[Session store\: sqlite\:PATH, or postgres\://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default\: the configuration'\''s, else sqlite\:./sessionguard.sqlite).]:store:'
        '--report[Directory to write the reports into\: report.json, and after a judging run report.html, summary.md, findings.csv, recommendations.csv, sessions.csv (default\: the configuration'\''s report).]:report:'
        '--json[Print the report document (JSON) on standard output instead of the summary.]'
        '--now[Evaluation time for idle and long-session checks (ISO 8601, UTC), for reproducible runs.]:now:'
        '--fail-on[Exit 1 when a recommendation has at least this severity (info, low, medium, high, critical).]:fail-on:'
        '--quiet[Print nothing but errors.]'
        '--metrics[Write Prometheus metrics (node-exporter textfile format) to this file, also when the run fails.]:metrics:'
        '*--device-log[Odoo'\''s res_device_log exported as CSV, as DB=FILE (repeatable)\: devices, addresses and revocations merge with the logs'\'' sessions.]:device-log:'
        '*--odoo-db[Odoo'\''s database, as postgres\://… or DB=postgres\://… when the logs name it differently (repeatable)\: its res_device_log and res_users merge with the logs'\'' sessions (default\: the configuration'\''s odoo_db).]:odoo-db:'
        '--session-files[Odoo'\''s sessions directory (<data_dir>/sessions), read as an input\: live sessions without log lines are judged too.]:session-files:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_sessionguard_detect() {
    local -i ret=1
    local -ar arg_specs=(
        '--partition[Judge only part K of N of the users (e.g. 1/4).]:partition:'
        '--format[Input format of every log\: auto (each file'\''s is sniffed from its first lines), odoo, odoo-syslog, nginx (combined, with or without sid=), or a format file'\''s name (default\: the configuration'\''s format, else auto).]:format:'
        '*--format-file[A YAML file describing another log format (a PCRE2 pattern with named groups and sample lines; repeatable; default\: the configuration'\''s formats).]:format-file:'
        '--timezone[Time zone of syslog times (odoo-syslog) and of access-log times without an offset, e.g. Europe/Brussels (default\: the configuration'\''s timezone, else this machine'\''s).]:timezone:'
        '--config[Configuration file (default\: ./sessionguard.yml if present).]:config:'
        '--geoip[MaxMind City database, or '\''none'\'' to run without locations (default\: /usr/share/GeoIP/GeoLite2-City.mmdb).]:geoip:'
        '--geoip-asn[MaxMind ASN database (optional; default\: /usr/share/GeoIP/GeoLite2-ASN.mmdb if present).]:geoip-asn:'
        '--rules[Rules directory (default\: ./Rules).]:rules:'
        '--store[Session store\: sqlite\:PATH, or postgres\://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default\: the configuration'\''s, else sqlite\:./sessionguard.sqlite).]:store:'
        '--report[Directory to write the reports into\: report.json, and after a judging run report.html, summary.md, findings.csv, recommendations.csv, sessions.csv (default\: the configuration'\''s report).]:report:'
        '--json[Print the report document (JSON) on standard output instead of the summary.]'
        '--now[Evaluation time for idle and long-session checks (ISO 8601, UTC), for reproducible runs.]:now:'
        '--fail-on[Exit 1 when a recommendation has at least this severity (info, low, medium, high, critical).]:fail-on:'
        '--quiet[Print nothing but errors.]'
        '--metrics[Write Prometheus metrics (node-exporter textfile format) to this file, also when the run fails.]:metrics:'
        '*--device-log[Odoo'\''s res_device_log exported as CSV, as DB=FILE (repeatable)\: devices, addresses and revocations merge with the logs'\'' sessions.]:device-log:'
        '*--odoo-db[Odoo'\''s database, as postgres\://… or DB=postgres\://… when the logs name it differently (repeatable)\: its res_device_log and res_users merge with the logs'\'' sessions (default\: the configuration'\''s odoo_db).]:odoo-db:'
        '--session-files[Odoo'\''s sessions directory (<data_dir>/sessions), read as an input\: live sessions without log lines are judged too.]:session-files:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_sessionguard_recommendations() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'list:List recommendations, most severe first.'
            'show:Show a recommendation: its reasons, findings, evidence lines and history.'
            'approve:Approve recommendations for revoking (sessionguard revoke, or your own tooling, acts on approved ones).'
            'dismiss:Dismiss recommendations; what their findings said is suppressed for a while.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        list|show|approve|dismiss)
            "_sessionguard_recommendations_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_sessionguard_recommendations_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--status[Only this status (open, approved, applied, failed, dismissed, expired).]:status:'
        '--severity[Only this severity or higher (info, low, medium, high, critical).]:severity:'
        '--json[JSON lines instead of a table.]'
        '--store[Session store\: sqlite\:PATH, or postgres\://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default\: the configuration'\''s, else sqlite\:./sessionguard.sqlite).]:store:'
        '--config[Configuration file (default\: ./sessionguard.yml if present).]:config:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_sessionguard_recommendations_show() {
    local -i ret=1
    local -ar arg_specs=(
        '*:ids:'
        '--store[Session store\: sqlite\:PATH, or postgres\://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default\: the configuration'\''s, else sqlite\:./sessionguard.sqlite).]:store:'
        '--config[Configuration file (default\: ./sessionguard.yml if present).]:config:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_sessionguard_recommendations_approve() {
    local -i ret=1
    local -ar arg_specs=(
        '*:ids:'
        '--by[Who approves (default\: the invoking user).]:by:'
        '--store[Session store\: sqlite\:PATH, or postgres\://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default\: the configuration'\''s, else sqlite\:./sessionguard.sqlite).]:store:'
        '--config[Configuration file (default\: ./sessionguard.yml if present).]:config:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_sessionguard_recommendations_dismiss() {
    local -i ret=1
    local -ar arg_specs=(
        '*:ids:'
        '--reason[Why (recorded with the decision).]:reason:'
        '--suppress[Days to suppress what the findings said (0\: none).]:suppress:'
        '--by[Who dismisses (default\: the invoking user).]:by:'
        '--store[Session store\: sqlite\:PATH, or postgres\://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default\: the configuration'\''s, else sqlite\:./sessionguard.sqlite).]:store:'
        '--config[Configuration file (default\: ./sessionguard.yml if present).]:config:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_sessionguard_revoke() {
    local -i ret=1
    local -ar arg_specs=(
        '--sessions-dir[Odoo'\''s sessions directory (<data_dir>/sessions; default\: the configuration'\''s sessions_dir).]:sessions-dir:'
        '*--odoo-db[Odoo'\''s database, as postgres\://… or DB=postgres\://… (repeatable)\: mark res_device_log rows revoked there (default\: the configuration'\''s odoo_db).]:odoo-db:'
        '--apply[Act\: delete the session files. Without it, only print the plan.]'
        '--delay[Seconds to wait before looking again for files a request in flight wrote back (default\: the configuration'\''s revoke_delay, else 120, Odoo'\''s limit_time_real).]:delay:'
        '--no-wait[Do not wait for requests in flight (tests).]'
        '--by[Who revokes (default\: the invoking user).]:by:'
        '--store[Session store\: sqlite\:PATH, or postgres\://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default\: the configuration'\''s, else sqlite\:./sessionguard.sqlite).]:store:'
        '--config[Configuration file (default\: ./sessionguard.yml if present).]:config:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_sessionguard_explain() {
    local -i ret=1
    local -ar arg_specs=(
        '*:ids:'
        '--store[Session store\: sqlite\:PATH, or postgres\://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default\: the configuration'\''s, else sqlite\:./sessionguard.sqlite).]:store:'
        '--config[Configuration file (default\: ./sessionguard.yml if present).]:config:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_sessionguard_runs() {
    local -i ret=1
    local -ar arg_specs=(
        '--limit[How many runs, newest first.]:limit:'
        '--json[One JSON object per line.]'
        '--store[Session store\: sqlite\:PATH, or postgres\://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default\: the configuration'\''s, else sqlite\:./sessionguard.sqlite).]:store:'
        '--config[Configuration file (default\: ./sessionguard.yml if present).]:config:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_sessionguard_report() {
    local -i ret=1
    local -ar arg_specs=(
        '--report[Directory to write the reports into (default\: the configuration'\''s report).]:report:'
        '--since[Start of the period\: a duration back (7d, 36h) or a time (2025-03-01, 2025-03-01T08\:00\:00Z).]:since:'
        '--store[Session store\: sqlite\:PATH, or postgres\://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default\: the configuration'\''s, else sqlite\:./sessionguard.sqlite).]:store:'
        '--config[Configuration file (default\: ./sessionguard.yml if present).]:config:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_sessionguard_sessions() {
    local -i ret=1
    local -ar arg_specs=(
        '--user[Only this login.]:user:'
        '--db[Only this database.]:db:'
        '--flagged[Only sessions some rule has a finding about.]'
        '--limit[At most this many.]:limit:'
        '--json[One JSON object per line.]'
        '--store[Session store\: sqlite\:PATH, or postgres\://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default\: the configuration'\''s, else sqlite\:./sessionguard.sqlite).]:store:'
        '--config[Configuration file (default\: ./sessionguard.yml if present).]:config:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_sessionguard_geoip() {
    local -i ret=1
    local -ar arg_specs=(
        '*:addresses:'
        '--config[Configuration file (default\: ./sessionguard.yml if present).]:config:'
        '--geoip[MaxMind City database, or '\''none'\'' to run without locations (default\: /usr/share/GeoIP/GeoLite2-City.mmdb).]:geoip:'
        '--geoip-asn[MaxMind ASN database (optional; default\: /usr/share/GeoIP/GeoLite2-ASN.mmdb if present).]:geoip-asn:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_sessionguard_rules() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'validate:Check every rule file of a directory and list the rules.'
            'test:Run the rules'\'' tests: each test'\''s log must make its rule flag exactly the users it expects.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        validate|test)
            "_sessionguard_rules_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_sessionguard_rules_validate() {
    local -i ret=1
    local -ar arg_specs=(
        ':directory:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_sessionguard_rules_test() {
    local -i ret=1
    local -ar arg_specs=(
        ':directory:'
        '--config[Configuration file (default\: ./sessionguard.yml if present).]:config:'
        '--geoip[MaxMind City database, or '\''none'\'' to run without locations (default\: /usr/share/GeoIP/GeoLite2-City.mmdb).]:geoip:'
        '--geoip-asn[MaxMind ASN database (optional; default\: /usr/share/GeoIP/GeoLite2-ASN.mmdb if present).]:geoip-asn:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_sessionguard_config() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'check:Print the effective configuration and what it finds: log files, GeoIP databases and their age, rules, store.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        check)
            "_sessionguard_config_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_sessionguard_config_check() {
    local -i ret=1
    local -ar arg_specs=(
        '--config[Configuration file (default\: ./sessionguard.yml if present).]:config:'
        '--geoip[MaxMind City database, or '\''none'\'' to run without locations (default\: /usr/share/GeoIP/GeoLite2-City.mmdb).]:geoip:'
        '--geoip-asn[MaxMind ASN database (optional; default\: /usr/share/GeoIP/GeoLite2-ASN.mmdb if present).]:geoip-asn:'
        '--rules[Rules directory (default\: the configuration'\''s, else ./Rules).]:rules:'
        '--store[Session store\: sqlite\:PATH, or postgres\://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default\: the configuration'\''s, else sqlite\:./sessionguard.sqlite).]:store:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_sessionguard_help() {
    local -i ret=1
    local -ar arg_specs=(
        '*:subcommands:'
        '--version[Show the version.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

if [[ "${funcstack[1]}" = _sessionguard ]]; then
    _sessionguard "${@}"
else
    compdef _sessionguard sessionguard
fi

function __sessionguard_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __sessionguard_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __sessionguard_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __sessionguard_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __sessionguard_parse_tokens -S
    set -l unparsed_tokens (__sessionguard_tokens -pc)
    switch $unparsed_tokens[1]
    case 'sessionguard'
        __sessionguard_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'analyze'
            __sessionguard_parse_subcommand -r 1 'format=' 'format-file=+' 'timezone=' 'config=' 'geoip=' 'geoip-asn=' 'rules=' 'store=' 'report=' 'json' 'now=' 'fail-on=' 'quiet' 'metrics=' 'device-log=+' 'odoo-db=+' 'session-files=' 'version' 'h/help'
        case 'ingest'
            __sessionguard_parse_subcommand -r 1 'format=' 'format-file=+' 'timezone=' 'config=' 'geoip=' 'geoip-asn=' 'rules=' 'store=' 'report=' 'json' 'now=' 'fail-on=' 'quiet' 'metrics=' 'device-log=+' 'odoo-db=+' 'session-files=' 'version' 'h/help'
        case 'detect'
            __sessionguard_parse_subcommand 0 'partition=' 'format=' 'format-file=+' 'timezone=' 'config=' 'geoip=' 'geoip-asn=' 'rules=' 'store=' 'report=' 'json' 'now=' 'fail-on=' 'quiet' 'metrics=' 'device-log=+' 'odoo-db=+' 'session-files=' 'version' 'h/help'
        case 'recommendations'
            __sessionguard_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __sessionguard_parse_subcommand 0 'status=' 'severity=' 'json' 'store=' 'config=' 'version' 'h/help'
            case 'show'
                __sessionguard_parse_subcommand -r 1 'store=' 'config=' 'version' 'h/help'
            case 'approve'
                __sessionguard_parse_subcommand -r 1 'by=' 'store=' 'config=' 'version' 'h/help'
            case 'dismiss'
                __sessionguard_parse_subcommand -r 1 'reason=' 'suppress=' 'by=' 'store=' 'config=' 'version' 'h/help'
            end
        case 'revoke'
            __sessionguard_parse_subcommand 0 'sessions-dir=' 'odoo-db=+' 'apply' 'delay=' 'no-wait' 'by=' 'store=' 'config=' 'version' 'h/help'
        case 'explain'
            __sessionguard_parse_subcommand -r 1 'store=' 'config=' 'version' 'h/help'
        case 'runs'
            __sessionguard_parse_subcommand 0 'limit=' 'json' 'store=' 'config=' 'version' 'h/help'
        case 'report'
            __sessionguard_parse_subcommand 0 'report=' 'since=' 'store=' 'config=' 'version' 'h/help'
        case 'sessions'
            __sessionguard_parse_subcommand 0 'user=' 'db=' 'flagged' 'limit=' 'json' 'store=' 'config=' 'version' 'h/help'
        case 'geoip'
            __sessionguard_parse_subcommand -r 1 'config=' 'geoip=' 'geoip-asn=' 'version' 'h/help'
        case 'rules'
            __sessionguard_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'validate'
                __sessionguard_parse_subcommand 1 'version' 'h/help'
            case 'test'
                __sessionguard_parse_subcommand 1 'config=' 'geoip=' 'geoip-asn=' 'version' 'h/help'
            end
        case 'config'
            __sessionguard_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'check'
                __sessionguard_parse_subcommand 0 'config=' 'geoip=' 'geoip-asn=' 'rules=' 'store=' 'version' 'h/help'
            end
        case 'help'
            __sessionguard_parse_subcommand -r 1 'version'
        end
    end
end

function __sessionguard_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __sessionguard_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __sessionguard_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __sessionguard_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__sessionguard_tokens -p)
    if test -z "$(__sessionguard_tokens -t)"
        set -l index (count (__sessionguard_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'sessionguard' -f
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard" version' -l 'version' -d 'Show the version.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_positional "sessionguard" -eq 1' -fa 'analyze' -d 'Read Odoo logs, rebuild sessions, judge them with the rules and store recommendations.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_positional "sessionguard" -eq 1' -fa 'ingest' -d 'Read Odoo logs into the store (parse, rebuild sessions, place addresses) without judging them.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_positional "sessionguard" -eq 1' -fa 'detect' -d 'Judge the sessions changed since the last detect (and every session still alive) with the rules.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_positional "sessionguard" -eq 1' -fa 'recommendations' -d 'List, show, approve and dismiss recommendations.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_positional "sessionguard" -eq 1' -fa 'revoke' -d 'End the sessions of approved recommendations as Odoo\'s Revoke button does: plan by default, act with --apply.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_positional "sessionguard" -eq 1' -fa 'explain' -d 'Show a finding, a recommendation or a session with its facts and the log lines behind it.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_positional "sessionguard" -eq 1' -fa 'runs' -d 'Show the run history: when each run happened, on which host, and what it read and found.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_positional "sessionguard" -eq 1' -fa 'report' -d 'Write the analyst\'s reports again from the store, without reading any log.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_positional "sessionguard" -eq 1' -fa 'sessions' -d 'List stored sessions, newest activity first.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_positional "sessionguard" -eq 1' -fa 'geoip' -d 'Show what the GeoIP databases say about addresses.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_positional "sessionguard" -eq 1' -fa 'rules' -d 'Work with rule files.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_positional "sessionguard" -eq 1' -fa 'config' -d 'Check a configuration.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_positional "sessionguard" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard analyze" format' -l 'format' -d 'Input format of every log: auto (each file\'s is sniffed from its first lines), odoo, odoo-syslog, nginx (combined, with or without sid=), or a format file\'s name (default: the configuration\'s format, else auto).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard analyze"' -l 'format-file' -d 'A YAML file describing another log format (a PCRE2 pattern with named groups and sample lines; repeatable; default: the configuration\'s formats).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard analyze" timezone' -l 'timezone' -d 'Time zone of syslog times (odoo-syslog) and of access-log times without an offset, e.g. Europe/Brussels (default: the configuration\'s timezone, else this machine\'s).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard analyze" config' -l 'config' -d 'Configuration file (default: ./sessionguard.yml if present).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard analyze" geoip' -l 'geoip' -d 'MaxMind City database, or \'none\' to run without locations (default: /usr/share/GeoIP/GeoLite2-City.mmdb).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard analyze" geoip-asn' -l 'geoip-asn' -d 'MaxMind ASN database (optional; default: /usr/share/GeoIP/GeoLite2-ASN.mmdb if present).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard analyze" rules' -l 'rules' -d 'Rules directory (default: ./Rules).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard analyze" store' -l 'store' -d 'Session store: sqlite:PATH, or postgres://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default: the configuration\'s, else sqlite:./sessionguard.sqlite).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard analyze" report' -l 'report' -d 'Directory to write the reports into: report.json, and after a judging run report.html, summary.md, findings.csv, recommendations.csv, sessions.csv (default: the configuration\'s report).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard analyze" json' -l 'json' -d 'Print the report document (JSON) on standard output instead of the summary.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard analyze" now' -l 'now' -d 'Evaluation time for idle and long-session checks (ISO 8601, UTC), for reproducible runs.' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard analyze" fail-on' -l 'fail-on' -d 'Exit 1 when a recommendation has at least this severity (info, low, medium, high, critical).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard analyze" quiet' -l 'quiet' -d 'Print nothing but errors.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard analyze" metrics' -l 'metrics' -d 'Write Prometheus metrics (node-exporter textfile format) to this file, also when the run fails.' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard analyze"' -l 'device-log' -d 'Odoo\'s res_device_log exported as CSV, as DB=FILE (repeatable): devices, addresses and revocations merge with the logs\' sessions.' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard analyze"' -l 'odoo-db' -d 'Odoo\'s database, as postgres://… or DB=postgres://… when the logs name it differently (repeatable): its res_device_log and res_users merge with the logs\' sessions (default: the configuration\'s odoo_db).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard analyze" session-files' -l 'session-files' -d 'Odoo\'s sessions directory (<data_dir>/sessions), read as an input: live sessions without log lines are judged too.' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard analyze" version' -l 'version' -d 'Show the version.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard analyze" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard ingest" format' -l 'format' -d 'Input format of every log: auto (each file\'s is sniffed from its first lines), odoo, odoo-syslog, nginx (combined, with or without sid=), or a format file\'s name (default: the configuration\'s format, else auto).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard ingest"' -l 'format-file' -d 'A YAML file describing another log format (a PCRE2 pattern with named groups and sample lines; repeatable; default: the configuration\'s formats).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard ingest" timezone' -l 'timezone' -d 'Time zone of syslog times (odoo-syslog) and of access-log times without an offset, e.g. Europe/Brussels (default: the configuration\'s timezone, else this machine\'s).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard ingest" config' -l 'config' -d 'Configuration file (default: ./sessionguard.yml if present).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard ingest" geoip' -l 'geoip' -d 'MaxMind City database, or \'none\' to run without locations (default: /usr/share/GeoIP/GeoLite2-City.mmdb).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard ingest" geoip-asn' -l 'geoip-asn' -d 'MaxMind ASN database (optional; default: /usr/share/GeoIP/GeoLite2-ASN.mmdb if present).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard ingest" rules' -l 'rules' -d 'Rules directory (default: ./Rules).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard ingest" store' -l 'store' -d 'Session store: sqlite:PATH, or postgres://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default: the configuration\'s, else sqlite:./sessionguard.sqlite).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard ingest" report' -l 'report' -d 'Directory to write the reports into: report.json, and after a judging run report.html, summary.md, findings.csv, recommendations.csv, sessions.csv (default: the configuration\'s report).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard ingest" json' -l 'json' -d 'Print the report document (JSON) on standard output instead of the summary.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard ingest" now' -l 'now' -d 'Evaluation time for idle and long-session checks (ISO 8601, UTC), for reproducible runs.' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard ingest" fail-on' -l 'fail-on' -d 'Exit 1 when a recommendation has at least this severity (info, low, medium, high, critical).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard ingest" quiet' -l 'quiet' -d 'Print nothing but errors.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard ingest" metrics' -l 'metrics' -d 'Write Prometheus metrics (node-exporter textfile format) to this file, also when the run fails.' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard ingest"' -l 'device-log' -d 'Odoo\'s res_device_log exported as CSV, as DB=FILE (repeatable): devices, addresses and revocations merge with the logs\' sessions.' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard ingest"' -l 'odoo-db' -d 'Odoo\'s database, as postgres://… or DB=postgres://… when the logs name it differently (repeatable): its res_device_log and res_users merge with the logs\' sessions (default: the configuration\'s odoo_db).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard ingest" session-files' -l 'session-files' -d 'Odoo\'s sessions directory (<data_dir>/sessions), read as an input: live sessions without log lines are judged too.' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard ingest" version' -l 'version' -d 'Show the version.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard ingest" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard detect" partition' -l 'partition' -d 'Judge only part K of N of the users (e.g. 1/4).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard detect" format' -l 'format' -d 'Input format of every log: auto (each file\'s is sniffed from its first lines), odoo, odoo-syslog, nginx (combined, with or without sid=), or a format file\'s name (default: the configuration\'s format, else auto).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard detect"' -l 'format-file' -d 'A YAML file describing another log format (a PCRE2 pattern with named groups and sample lines; repeatable; default: the configuration\'s formats).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard detect" timezone' -l 'timezone' -d 'Time zone of syslog times (odoo-syslog) and of access-log times without an offset, e.g. Europe/Brussels (default: the configuration\'s timezone, else this machine\'s).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard detect" config' -l 'config' -d 'Configuration file (default: ./sessionguard.yml if present).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard detect" geoip' -l 'geoip' -d 'MaxMind City database, or \'none\' to run without locations (default: /usr/share/GeoIP/GeoLite2-City.mmdb).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard detect" geoip-asn' -l 'geoip-asn' -d 'MaxMind ASN database (optional; default: /usr/share/GeoIP/GeoLite2-ASN.mmdb if present).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard detect" rules' -l 'rules' -d 'Rules directory (default: ./Rules).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard detect" store' -l 'store' -d 'Session store: sqlite:PATH, or postgres://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default: the configuration\'s, else sqlite:./sessionguard.sqlite).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard detect" report' -l 'report' -d 'Directory to write the reports into: report.json, and after a judging run report.html, summary.md, findings.csv, recommendations.csv, sessions.csv (default: the configuration\'s report).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard detect" json' -l 'json' -d 'Print the report document (JSON) on standard output instead of the summary.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard detect" now' -l 'now' -d 'Evaluation time for idle and long-session checks (ISO 8601, UTC), for reproducible runs.' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard detect" fail-on' -l 'fail-on' -d 'Exit 1 when a recommendation has at least this severity (info, low, medium, high, critical).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard detect" quiet' -l 'quiet' -d 'Print nothing but errors.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard detect" metrics' -l 'metrics' -d 'Write Prometheus metrics (node-exporter textfile format) to this file, also when the run fails.' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard detect"' -l 'device-log' -d 'Odoo\'s res_device_log exported as CSV, as DB=FILE (repeatable): devices, addresses and revocations merge with the logs\' sessions.' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard detect"' -l 'odoo-db' -d 'Odoo\'s database, as postgres://… or DB=postgres://… when the logs name it differently (repeatable): its res_device_log and res_users merge with the logs\' sessions (default: the configuration\'s odoo_db).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard detect" session-files' -l 'session-files' -d 'Odoo\'s sessions directory (<data_dir>/sessions), read as an input: live sessions without log lines are judged too.' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard detect" version' -l 'version' -d 'Show the version.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard detect" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard recommendations" version' -l 'version' -d 'Show the version.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard recommendations" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_positional "sessionguard recommendations" -eq 1' -fa 'list' -d 'List recommendations, most severe first.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_positional "sessionguard recommendations" -eq 1' -fa 'show' -d 'Show a recommendation: its reasons, findings, evidence lines and history.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_positional "sessionguard recommendations" -eq 1' -fa 'approve' -d 'Approve recommendations for revoking (sessionguard revoke, or your own tooling, acts on approved ones).'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_positional "sessionguard recommendations" -eq 1' -fa 'dismiss' -d 'Dismiss recommendations; what their findings said is suppressed for a while.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard recommendations list" status' -l 'status' -d 'Only this status (open, approved, applied, failed, dismissed, expired).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard recommendations list" severity' -l 'severity' -d 'Only this severity or higher (info, low, medium, high, critical).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard recommendations list" json' -l 'json' -d 'JSON lines instead of a table.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard recommendations list" store' -l 'store' -d 'Session store: sqlite:PATH, or postgres://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default: the configuration\'s, else sqlite:./sessionguard.sqlite).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard recommendations list" config' -l 'config' -d 'Configuration file (default: ./sessionguard.yml if present).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard recommendations list" version' -l 'version' -d 'Show the version.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard recommendations list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard recommendations show" store' -l 'store' -d 'Session store: sqlite:PATH, or postgres://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default: the configuration\'s, else sqlite:./sessionguard.sqlite).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard recommendations show" config' -l 'config' -d 'Configuration file (default: ./sessionguard.yml if present).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard recommendations show" version' -l 'version' -d 'Show the version.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard recommendations show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard recommendations approve" by' -l 'by' -d 'Who approves (default: the invoking user).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard recommendations approve" store' -l 'store' -d 'Session store: sqlite:PATH, or postgres://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default: the configuration\'s, else sqlite:./sessionguard.sqlite).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard recommendations approve" config' -l 'config' -d 'Configuration file (default: ./sessionguard.yml if present).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard recommendations approve" version' -l 'version' -d 'Show the version.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard recommendations approve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard recommendations dismiss" reason' -l 'reason' -d 'Why (recorded with the decision).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard recommendations dismiss" suppress' -l 'suppress' -d 'Days to suppress what the findings said (0: none).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard recommendations dismiss" by' -l 'by' -d 'Who dismisses (default: the invoking user).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard recommendations dismiss" store' -l 'store' -d 'Session store: sqlite:PATH, or postgres://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default: the configuration\'s, else sqlite:./sessionguard.sqlite).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard recommendations dismiss" config' -l 'config' -d 'Configuration file (default: ./sessionguard.yml if present).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard recommendations dismiss" version' -l 'version' -d 'Show the version.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard recommendations dismiss" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard revoke" sessions-dir' -l 'sessions-dir' -d 'Odoo\'s sessions directory (<data_dir>/sessions; default: the configuration\'s sessions_dir).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard revoke"' -l 'odoo-db' -d 'Odoo\'s database, as postgres://… or DB=postgres://… (repeatable): mark res_device_log rows revoked there (default: the configuration\'s odoo_db).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard revoke" apply' -l 'apply' -d 'Act: delete the session files. Without it, only print the plan.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard revoke" delay' -l 'delay' -d 'Seconds to wait before looking again for files a request in flight wrote back (default: the configuration\'s revoke_delay, else 120, Odoo\'s limit_time_real).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard revoke" no-wait' -l 'no-wait' -d 'Do not wait for requests in flight (tests).'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard revoke" by' -l 'by' -d 'Who revokes (default: the invoking user).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard revoke" store' -l 'store' -d 'Session store: sqlite:PATH, or postgres://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default: the configuration\'s, else sqlite:./sessionguard.sqlite).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard revoke" config' -l 'config' -d 'Configuration file (default: ./sessionguard.yml if present).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard revoke" version' -l 'version' -d 'Show the version.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard revoke" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard explain" store' -l 'store' -d 'Session store: sqlite:PATH, or postgres://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default: the configuration\'s, else sqlite:./sessionguard.sqlite).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard explain" config' -l 'config' -d 'Configuration file (default: ./sessionguard.yml if present).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard explain" version' -l 'version' -d 'Show the version.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard explain" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard runs" limit' -l 'limit' -d 'How many runs, newest first.' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard runs" json' -l 'json' -d 'One JSON object per line.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard runs" store' -l 'store' -d 'Session store: sqlite:PATH, or postgres://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default: the configuration\'s, else sqlite:./sessionguard.sqlite).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard runs" config' -l 'config' -d 'Configuration file (default: ./sessionguard.yml if present).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard runs" version' -l 'version' -d 'Show the version.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard runs" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard report" report' -l 'report' -d 'Directory to write the reports into (default: the configuration\'s report).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard report" since' -l 'since' -d 'Start of the period: a duration back (7d, 36h) or a time (2025-03-01, 2025-03-01T08:00:00Z).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard report" store' -l 'store' -d 'Session store: sqlite:PATH, or postgres://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default: the configuration\'s, else sqlite:./sessionguard.sqlite).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard report" config' -l 'config' -d 'Configuration file (default: ./sessionguard.yml if present).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard report" version' -l 'version' -d 'Show the version.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard report" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard sessions" user' -l 'user' -d 'Only this login.' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard sessions" db' -l 'db' -d 'Only this database.' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard sessions" flagged' -l 'flagged' -d 'Only sessions some rule has a finding about.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard sessions" limit' -l 'limit' -d 'At most this many.' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard sessions" json' -l 'json' -d 'One JSON object per line.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard sessions" store' -l 'store' -d 'Session store: sqlite:PATH, or postgres://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default: the configuration\'s, else sqlite:./sessionguard.sqlite).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard sessions" config' -l 'config' -d 'Configuration file (default: ./sessionguard.yml if present).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard sessions" version' -l 'version' -d 'Show the version.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard sessions" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard geoip" config' -l 'config' -d 'Configuration file (default: ./sessionguard.yml if present).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard geoip" geoip' -l 'geoip' -d 'MaxMind City database, or \'none\' to run without locations (default: /usr/share/GeoIP/GeoLite2-City.mmdb).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard geoip" geoip-asn' -l 'geoip-asn' -d 'MaxMind ASN database (optional; default: /usr/share/GeoIP/GeoLite2-ASN.mmdb if present).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard geoip" version' -l 'version' -d 'Show the version.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard geoip" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard rules" version' -l 'version' -d 'Show the version.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard rules" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_positional "sessionguard rules" -eq 1' -fa 'validate' -d 'Check every rule file of a directory and list the rules.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_positional "sessionguard rules" -eq 1' -fa 'test' -d 'Run the rules\' tests: each test\'s log must make its rule flag exactly the users it expects.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard rules validate" version' -l 'version' -d 'Show the version.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard rules validate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard rules test" config' -l 'config' -d 'Configuration file (default: ./sessionguard.yml if present).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard rules test" geoip' -l 'geoip' -d 'MaxMind City database, or \'none\' to run without locations (default: /usr/share/GeoIP/GeoLite2-City.mmdb).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard rules test" geoip-asn' -l 'geoip-asn' -d 'MaxMind ASN database (optional; default: /usr/share/GeoIP/GeoLite2-ASN.mmdb if present).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard rules test" version' -l 'version' -d 'Show the version.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard rules test" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard config" version' -l 'version' -d 'Show the version.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard config" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_positional "sessionguard config" -eq 1' -fa 'check' -d 'Print the effective configuration and what it finds: log files, GeoIP databases and their age, rules, store.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard config check" config' -l 'config' -d 'Configuration file (default: ./sessionguard.yml if present).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard config check" geoip' -l 'geoip' -d 'MaxMind City database, or \'none\' to run without locations (default: /usr/share/GeoIP/GeoLite2-City.mmdb).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard config check" geoip-asn' -l 'geoip-asn' -d 'MaxMind ASN database (optional; default: /usr/share/GeoIP/GeoLite2-ASN.mmdb if present).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard config check" rules' -l 'rules' -d 'Rules directory (default: the configuration\'s, else ./Rules).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard config check" store' -l 'store' -d 'Session store: sqlite:PATH, or postgres://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default: the configuration\'s, else sqlite:./sessionguard.sqlite).' -rfka ''
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard config check" version' -l 'version' -d 'Show the version.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard config check" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sessionguard' -n '__sessionguard_should_offer_completions_for_flags_or_options "sessionguard help" version' -l 'version' -d 'Show the version.'

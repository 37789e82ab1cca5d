#!/bin/bash

__sessionguard_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__sessionguard_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__sessionguard_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__sessionguard_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_sessionguard() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __sessionguard_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    analyze|ingest|detect|recommendations|revoke|explain|runs|report|sessions|geoip|rules|config|help)
        # Offer subcommand argument completions
        "_sessionguard_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'analyze ingest detect recommendations revoke explain runs report sessions geoip rules config help' -- "${cur}"))
        ;;
    esac
}

_sessionguard_analyze() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --version -h --help)
    repeating_options=(--format-file --device-log --odoo-db)
    non_repeating_options=(--format --timezone --config --geoip --geoip-asn --rules --store --report --now --fail-on --metrics --session-files)
    __sessionguard_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--format')
        return
        ;;
    '--format-file')
        return
        ;;
    '--timezone')
        return
        ;;
    '--config')
        return
        ;;
    '--geoip')
        return
        ;;
    '--geoip-asn')
        return
        ;;
    '--rules')
        return
        ;;
    '--store')
        return
        ;;
    '--report')
        return
        ;;
    '--now')
        return
        ;;
    '--fail-on')
        return
        ;;
    '--metrics')
        return
        ;;
    '--device-log')
        return
        ;;
    '--odoo-db')
        return
        ;;
    '--session-files')
        return
        ;;
    esac
}

_sessionguard_ingest() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --version -h --help)
    repeating_options=(--format-file --device-log --odoo-db)
    non_repeating_options=(--format --timezone --config --geoip --geoip-asn --rules --store --report --now --fail-on --metrics --session-files)
    __sessionguard_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--format')
        return
        ;;
    '--format-file')
        return
        ;;
    '--timezone')
        return
        ;;
    '--config')
        return
        ;;
    '--geoip')
        return
        ;;
    '--geoip-asn')
        return
        ;;
    '--rules')
        return
        ;;
    '--store')
        return
        ;;
    '--report')
        return
        ;;
    '--now')
        return
        ;;
    '--fail-on')
        return
        ;;
    '--metrics')
        return
        ;;
    '--device-log')
        return
        ;;
    '--odoo-db')
        return
        ;;
    '--session-files')
        return
        ;;
    esac
}

_sessionguard_detect() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --version -h --help)
    repeating_options=(--format-file --device-log --odoo-db)
    non_repeating_options=(--partition --format --timezone --config --geoip --geoip-asn --rules --store --report --now --fail-on --metrics --session-files)
    __sessionguard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--partition')
        return
        ;;
    '--format')
        return
        ;;
    '--format-file')
        return
        ;;
    '--timezone')
        return
        ;;
    '--config')
        return
        ;;
    '--geoip')
        return
        ;;
    '--geoip-asn')
        return
        ;;
    '--rules')
        return
        ;;
    '--store')
        return
        ;;
    '--report')
        return
        ;;
    '--now')
        return
        ;;
    '--fail-on')
        return
        ;;
    '--metrics')
        return
        ;;
    '--device-log')
        return
        ;;
    '--odoo-db')
        return
        ;;
    '--session-files')
        return
        ;;
    esac
}

_sessionguard_recommendations() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __sessionguard_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    list|show|approve|dismiss)
        # Offer subcommand argument completions
        "_sessionguard_recommendations_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'list show approve dismiss' -- "${cur}"))
        ;;
    esac
}

_sessionguard_recommendations_list() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--status --severity --store --config)
    __sessionguard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--status')
        return
        ;;
    '--severity')
        return
        ;;
    '--store')
        return
        ;;
    '--config')
        return
        ;;
    esac
}

_sessionguard_recommendations_show() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--store --config)
    __sessionguard_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--store')
        return
        ;;
    '--config')
        return
        ;;
    esac
}

_sessionguard_recommendations_approve() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--by --store --config)
    __sessionguard_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--by')
        return
        ;;
    '--store')
        return
        ;;
    '--config')
        return
        ;;
    esac
}

_sessionguard_recommendations_dismiss() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--reason --suppress --by --store --config)
    __sessionguard_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--reason')
        return
        ;;
    '--suppress')
        return
        ;;
    '--by')
        return
        ;;
    '--store')
        return
        ;;
    '--config')
        return
        ;;
    esac
}

_sessionguard_revoke() {
    repeating_flags=()
    non_repeating_flags=(--apply --no-wait --version -h --help)
    repeating_options=(--odoo-db)
    non_repeating_options=(--sessions-dir --delay --by --store --config)
    __sessionguard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--sessions-dir')
        return
        ;;
    '--odoo-db')
        return
        ;;
    '--delay')
        return
        ;;
    '--by')
        return
        ;;
    '--store')
        return
        ;;
    '--config')
        return
        ;;
    esac
}

_sessionguard_explain() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--store --config)
    __sessionguard_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--store')
        return
        ;;
    '--config')
        return
        ;;
    esac
}

_sessionguard_runs() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--limit --store --config)
    __sessionguard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--limit')
        return
        ;;
    '--store')
        return
        ;;
    '--config')
        return
        ;;
    esac
}

_sessionguard_report() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--report --since --store --config)
    __sessionguard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--report')
        return
        ;;
    '--since')
        return
        ;;
    '--store')
        return
        ;;
    '--config')
        return
        ;;
    esac
}

_sessionguard_sessions() {
    repeating_flags=()
    non_repeating_flags=(--flagged --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--user --db --limit --store --config)
    __sessionguard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--user')
        return
        ;;
    '--db')
        return
        ;;
    '--limit')
        return
        ;;
    '--store')
        return
        ;;
    '--config')
        return
        ;;
    esac
}

_sessionguard_geoip() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--config --geoip --geoip-asn)
    __sessionguard_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--geoip')
        return
        ;;
    '--geoip-asn')
        return
        ;;
    esac
}

_sessionguard_rules() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __sessionguard_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    validate|test)
        # Offer subcommand argument completions
        "_sessionguard_rules_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'validate test' -- "${cur}"))
        ;;
    esac
}

_sessionguard_rules_validate() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __sessionguard_offer_flags_options 1
}

_sessionguard_rules_test() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--config --geoip --geoip-asn)
    __sessionguard_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--geoip')
        return
        ;;
    '--geoip-asn')
        return
        ;;
    esac
}

_sessionguard_config() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __sessionguard_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    check)
        # Offer subcommand argument completions
        "_sessionguard_config_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'check' -- "${cur}"))
        ;;
    esac
}

_sessionguard_config_check() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--config --geoip --geoip-asn --rules --store)
    __sessionguard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--geoip')
        return
        ;;
    '--geoip-asn')
        return
        ;;
    '--rules')
        return
        ;;
    '--store')
        return
        ;;
    esac
}

_sessionguard_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __sessionguard_offer_flags_options -1
}

complete -o filenames -F _sessionguard sessionguard

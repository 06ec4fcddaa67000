# bash completion for tlsdiag(1): commands, each command's options, and
# files by kind (logs, captures, TLS bytes, certificates and keys).
# Installed as /usr/share/bash-completion/completions/tlsdiag.

shopt -s extglob

_tlsdiag_files()
{
    # $1: extended glob of the wanted names; directories are always offered
    local IFS=$'\n'
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -X "!$1" -- "$cur") $(compgen -d -- "$cur"))
}

_tlsdiag()
{
    local cur prev words cword
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi
    local commands="log pcap hello probe scan explain"
    local global="--json --verbose -v --color= --help --version --json-schema"
    local cmd="" i
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            -*) ;;
            *) cmd=${words[i]}; break ;;
        esac
    done

    local logs='@(*.log|*.txt|*.LOG|*.TXT)'
    local caps='@(*.pcap|*.pcapng|*.cap|*.PCAP|*.PCAPNG)'
    local from='@(*.log|*.txt|*.pcap|*.pcapng|*.cap)'
    local certs='@(*.pem|*.crt|*.cer|*.der|*.PEM|*.CRT)'
    local keys='@(*.key|*.pem|*.der|*.KEY|*.PEM)'

    case $prev in
        --color | --colour)
            COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
            return ;;
        --from) _tlsdiag_files "$from"; return ;;
        --ca | --cert) _tlsdiag_files "$certs"; return ;;
        --key) _tlsdiag_files "$keys"; return ;;
        -i | --interface)
            COMPREPLY=($(compgen -W "$(ls /sys/class/net 2>/dev/null)" \
                -- "$cur"))
            return ;;
        --mbedtls) COMPREPLY=($(compgen -W "2 3" -- "$cur")); return ;;
        --handshake | --max-connections | --delay | --timeout | --parallel | \
            --port | -c | --count | --host | --hostname | --sni | \
            --connect-to | -f | --filter)
            return ;;
    esac
    if [[ $cur == --color=* || $cur == --colour=* ]]; then
        COMPREPLY=($(compgen -P "${cur%%=*}=" -W "auto always never" \
            -- "${cur#*=}"))
        return
    fi

    local opts
    case $cmd in
        "")
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$global" -- "$cur"))
                [[ ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
            else
                COMPREPLY=($(compgen -W "$commands" -- "$cur"))
            fi
            return ;;
        log)
            opts="--verbose -v --json --color= --help -h"
            [[ $cur == -* ]] || { _tlsdiag_files "$logs"; return; } ;;
        pcap)
            opts="--failed --host --port --filter -f --interface -i --count
                  -c --jsonl --verbose -v --json --color= --help -h"
            [[ $cur == -* ]] || { _tlsdiag_files "$caps"; return; } ;;
        hello)
            opts="--hex --base64 --verbose -v --json --color= --help -h"
            [[ $cur == -* ]] || {
                _tlsdiag_files '@(*.bin|*.hex|*.txt|*.der|*.b64|*.pem)'
                return; } ;;
        probe)
            opts="--from --handshake --connect-to --sni --exact
                  --max-connections --delay --timeout --ca --hostname --cert
                  --key --no-handshake -4 -6 --verbose -v --json --color=
                  --help -h" ;;
        scan)
            opts="--connect-to --sni --timeout --max-connections --delay
                  --parallel --from --handshake --verbose -v --json --color=
                  --help -h" ;;
        explain)
            opts="--flags --mbedtls --json --color= --help -h" ;;
        *) return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        [[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]} == *= ]] &&
            compopt -o nospace 2>/dev/null
    fi
}
complete -F _tlsdiag tlsdiag

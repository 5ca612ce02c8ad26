# bash completion for paiban(1).  The commands and each command's options
# are read from paiban's own --help (so they are always those of the
# installed program); values: layout names of the data folder and .json
# files for -l, folders for --font-dir, text/json for --format, .png
# files for --seal, keys and certificates for --key, --cert, --chain and
# --ca, .json files for reports, PDFs for sign and verify, documents
# (.docx, .html, .txt) for import.
_paiban_help_words()
{
    # paiban --help lists the commands; paiban CMD --help the options
    if [[ -z $1 ]]; then
        paiban --help 2> /dev/null | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p'
    else
        paiban "$1" --help 2> /dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u
    fi
}

_paiban_layouts()
{
    local data=${PAIBAN_DATA_DIR:-} exe f
    if [[ -z $data ]]; then
        exe=$(command -v paiban 2> /dev/null) || return
        exe=$(readlink -f "$exe")
        data=${exe%/bin/*}/share/paiban
    fi
    for f in "$data"/layouts/*.json; do
        [[ -e $f ]] || continue
        f=${f##*/}
        printf '%s\n' "${f%.json}"
    done
}

_paiban()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    COMPREPLY=()
    if ((COMP_CWORD == 1)); then
        COMPREPLY=($(compgen -W "$(_paiban_help_words) help --help --version" -- "$cur"))
        return
    fi
    local cmd=${COMP_WORDS[1]}
    if [[ $cmd == help ]]; then
        ((COMP_CWORD == 2)) && COMPREPLY=($(compgen -W "$(_paiban_help_words)" -- "$cur"))
        return
    fi
    case $prev in
        -l | --layout)
            COMPREPLY=($(compgen -W "$(_paiban_layouts)" -- "$cur")
                $(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur"))
            return ;;
        --font-dir)
            COMPREPLY=($(compgen -d -- "$cur"))
            return ;;
        --format)
            COMPREPLY=($(compgen -W "text json" -- "$cur"))
            return ;;
        -j | --jobs)
            COMPREPLY=($(compgen -W "1 2 4 8" -- "$cur"))
            return ;;
        -o | --output | --dump | --batch | --previous)
            COMPREPLY=($(compgen -f -- "$cur"))
            return ;;
        --seal)
            COMPREPLY=($(compgen -f -X '!*.@(png|PNG)' -- "$cur") $(compgen -d -- "$cur"))
            return ;;
        --key | --cert | --chain | --ca)
            COMPREPLY=($(compgen -f -X '!*.@(pem|PEM|key|crt|cer|der)' -- "$cur")
                $(compgen -d -- "$cur"))
            return ;;
        --pass-in)
            COMPREPLY=($(compgen -W "env: file: fd: pass:" -- "$cur"))
            return ;;
        --reason | --location | --name | --contact | --reserve)
            return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_paiban_help_words "$cmd")" -- "$cur"))
        return
    fi
    if [[ $cmd == sign || $cmd == verify ]]; then
        COMPREPLY=($(compgen -f -X '!*.@(pdf|PDF)' -- "$cur") $(compgen -d -- "$cur"))
        return
    fi
    if [[ $cmd == import ]]; then
        # the documents paiban import reads
        COMPREPLY=($(compgen -f -X '!*.@(docx|DOCX|html|htm|HTML|txt|TXT)' -- "$cur")
            $(compgen -d -- "$cur"))
        return
    fi
    COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur"))
}

complete -o filenames -F _paiban paiban

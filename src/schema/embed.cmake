# embed.cmake - write the C file that holds the JSON Schema's text, so that
# `tlsdiag --json-schema` prints the repository's file byte for byte.
#
#   cmake -DIN=src/schema/tlsdiag.schema.json -DOUT=build/json_schema.c \
#         -P src/schema/embed.cmake
#
# The bytes are written as an array (a string literal that long is beyond
# what C11 compilers must accept); the file is replaced only when it
# changes.
if(NOT IN OR NOT OUT)
  message(FATAL_ERROR "embed.cmake: give -DIN=schema.json -DOUT=file.c")
endif()
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" digits)
math(EXPR size "${digits} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
# 16 bytes a line (CMake's regular expressions have no {n})
set(sixteen "")
foreach(i RANGE 1 16)
  string(APPEND sixteen "0x[0-9a-f][0-9a-f],")
endforeach()
string(REGEX REPLACE "(${sixteen})" "\\1\n    " bytes "${bytes}")
file(WRITE "${OUT}.tmp"
"/* Generated from src/schema/tlsdiag.schema.json by src/schema/embed.cmake;
 * do not edit. */
#include \"schema/schema.h\"

const unsigned char td_json_schema[] = {
    ${bytes}0x00
};
const size_t td_json_schema_len = ${size};
")
execute_process(COMMAND "${CMAKE_COMMAND}" -E copy_if_different "${OUT}.tmp"
                "${OUT}")
file(REMOVE "${OUT}.tmp")

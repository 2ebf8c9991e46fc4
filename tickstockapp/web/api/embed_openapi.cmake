# Writes OUT: a C++ file whose openapi_document() returns the text of IN.
file(READ "${IN}" text)
file(WRITE "${OUT}" "// Generated from tickstockapp/web/api/openapi.json; do not edit.\n"
                    "#include \"web/api/api.h\"\n\nnamespace tickstock::app {\n\n"
                    "const char* openapi_document() {\n  return R\"openapi_json(${text})openapi_json\";\n}\n\n"
                    "}  // namespace tickstock::app\n")

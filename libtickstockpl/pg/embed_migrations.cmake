# Writes OUT: a C++ table of the migrations in SQL_DIR (NNN_name.sql, applied in name order),
# so that the library carries its schema wherever it is installed.
file(GLOB files "${SQL_DIR}/*.sql")
list(SORT files)
set(body "")
foreach(f IN LISTS files)
  get_filename_component(name "${f}" NAME_WE)
  file(READ "${f}" sql)
  string(FIND "${sql}" ")tsql\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${f}: contains the raw-string delimiter )tsql\"")
  endif()
  string(APPEND body "    {\"${name}\", R\"tsql(${sql})tsql\"},\n")
endforeach()
file(WRITE "${OUT}.tmp"
  "// Generated from sql/*.sql by libtickstockpl/pg/embed_migrations.cmake; do not edit.\n"
  "#include \"tickstock/pg_schema.h\"\n\n"
  "namespace tickstock {\n\n"
  "std::span<const Migration> migrations() {\n"
  "  static constexpr Migration kAll[] = {\n${body}  };\n"
  "  return kAll;\n"
  "}\n\n"
  "}  // namespace tickstock\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)

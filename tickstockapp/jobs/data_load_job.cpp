#include "jobs/data_load_job.h"

#include <tuple>

#include "base/json_object_reader.h"
#include "jobs/job_request.h"

namespace tickstock::app {

Result<DataLoadRequest> data_load_request_from(std::string_view params) {
  JobRequestParser parser;
  std::string request_id;
  auto request = parser.parse("data_load", params, request_id);
  if (!request) return request.error();
  DataLoadRequest out;
  out.symbols = request->symbols;
  if (request->timeframe != Timeframe::M1 && request->timeframe != Timeframe::D1)
    return fail("field 'timeframe': '", timeframe_name(request->timeframe),
                "': data loads take 1min or daily bars");
  out.timeframe = request->timeframe;
  std::tie(out.from, out.to) = request_range(*request);
  JsonObjectReader reader(kMaxJobRequestBytes);
  auto doc = reader.read(params);
  if (!doc) return doc.error();
  std::string_view source = "polygon";
  if ((*doc)["source"].error() != simdjson::NO_SUCH_FIELD &&
      (*doc)["source"].get_string().get(source) != simdjson::SUCCESS)
    return fail("field 'source': expected \"polygon\" or \"file:NAME\"");
  if (source == "polygon") return out;
  if (source.rfind("file:", 0) != 0)
    return fail("field 'source': '", source, "' is not polygon or file:NAME");
  out.source = DataLoadRequest::Source::kFile;
  out.file.assign(source.substr(5));
  if (out.file.empty() || out.file.front() == '.' ||
      out.file.find_first_of("/\\") != std::string::npos)
    return fail("field 'source': '", source,
                "': NAME is a file in the server's data-load directory (no '/', not starting "
                "with '.')");
  return out;
}

}  // namespace tickstock::app

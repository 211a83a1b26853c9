// HttpClient for a build without libcurl: `lynx ship` says how to get one.
#include "tools/ship_http.hpp"

namespace lynx::tools {

HttpClient::HttpClient(std::string base_url) : base_url_(std::move(base_url)) {}
HttpClient::~HttpClient() = default;
// (set_gzip is inline: nothing to compress here.)

std::string HttpClient::escape(std::string_view s) { return std::string(s); }

Status HttpClient::post(std::string_view, std::string_view, std::string_view, std::string*) {
  return Status::error(Status::Code::unsupported,
                       "this lynx was built without libcurl: install libcurl4-openssl-dev "
                       "(scripts/install-deps.sh fleet-ship) and rebuild to use lynx ship");
}

}  // namespace lynx::tools

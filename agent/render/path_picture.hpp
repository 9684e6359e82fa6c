#pragma once
// The SVG picture of one service's network path for the HTML report: the instance and its
// subnet -> the route each address takes -> each endpoint ENI per AZ (or the NAT/IGW-bound
// public address), boxes coloured by result.
#include <string>
#include <string_view>

#include "bedrock_reach/report.hpp"

namespace bedrock_reach::render_detail {

/// An inline <svg> element (no external references); every text is HTML-escaped.
/// `index` keeps element ids unique when a page holds one picture per service.
std::string path_picture_svg(const Report& report, const ServiceResult& service, size_t index);

/// ok|warning|critical|unknown: how a route kind reads for a Bedrock call.
Severity route_severity(const std::string& kind);
/// ok|warning|critical|unknown: how one address fares (class, route and TLS together). With
/// service_path "private-endpoint", an in-VPC address is the (inferred) endpoint: not a warning.
Severity address_severity(const AddressResult& address, std::string_view service_path = {});

}  // namespace bedrock_reach::render_detail

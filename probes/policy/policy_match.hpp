#pragma once
// Matching primitives of the IAM policy language: * / ? globs and segment-wise ARN patterns.
#include <string_view>

namespace bedrock_reach {

/// `*` matches any run (including empty and "/"), `?` exactly one character.
bool glob_match(std::string_view pattern, std::string_view value, bool ignore_case);

/// ARN pattern match as ArnLike and Resource do it: the first five colon-separated segments
/// (arn, partition, service, region, account) are matched each on its own, the rest (the
/// resource, which may contain colons) as one; each with * and ?, case-sensitive. A pattern of
/// just "*" matches anything.
bool arn_match(std::string_view pattern, std::string_view arn);

}  // namespace bedrock_reach

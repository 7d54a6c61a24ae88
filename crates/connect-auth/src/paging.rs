//! Pagination shared by the Iterator and Stream front ends.

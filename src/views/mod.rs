pub mod portal;
